namespace Sluice.Engine;

/// <summary>Fixed parts of Tekton's status messages.</summary>
public static class TektonMessages
{
    /// <summary>
    /// Tekton's label on messages of failures the user caused (pkg/apis/pipeline/errors: WrapUserError,
    /// LabelUserError): invalid params, bindings, specs.
    /// </summary>
    public const string UserError = "[User error] ";
}
