namespace Sluice.Engine.CustomTasks;

/// <summary>What Sluice says of a custom task reference it does not know.</summary>
public static class CustomTaskNames
{
    /// <summary>The apiVersion of the custom tasks built into Sluice's catalog.</summary>
    public const string SluiceApiVersion = "sluice.dev/v1";

    /// <summary>How to find the custom tasks there are.</summary>
    public const string Fix = "sluice catalog list shows the custom tasks Sluice runs (apiVersion sluice.dev/v1 and their kinds)";

    /// <summary>The message for an unknown <c>apiVersion</c>/<c>kind</c>.</summary>
    public static string Unknown(string? apiVersion, string? kind) =>
        $"custom task kind \"{kind}\" ({apiVersion}) is not known to Sluice";
}
