using System.Collections.Immutable;
using Sluice.Model.Diagnostics;

namespace Sluice.Sdk;

/// <summary>
/// A resource built or loaded by the SDK failed Tekton's static validation; <see cref="Diagnostics"/> holds every
/// problem with its field path, Tekton's message and a fix.
/// </summary>
public sealed class ResourceValidationException : Exception
{
    /// <summary>Makes the exception from the problems found in a resource.</summary>
    /// <param name="resource">The resource, as <c>Kind/name</c>.</param>
    /// <param name="diagnostics">The problems.</param>
    public ResourceValidationException(string resource, ImmutableArray<Diagnostic> diagnostics)
        : base($"{resource} is not valid:{string.Concat(diagnostics.Select(d => $"{Environment.NewLine}  {d}"))}")
    {
        Diagnostics = diagnostics;
    }

    /// <summary>Makes the exception.</summary>
    public ResourceValidationException(string message)
        : base(message)
    {
    }

    /// <summary>Makes the exception with its cause.</summary>
    public ResourceValidationException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Makes the exception.</summary>
    public ResourceValidationException()
    {
    }

    /// <summary>The problems, in Tekton's wording.</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; } = [];
}
