using Sluice.Model.Binding;
using Sluice.Model.Diagnostics;

namespace Sluice.Model.Loading;

/// <summary>A resource read from a file, with where it came from.</summary>
/// <param name="Resource">The resource.</param>
/// <param name="Location">Where its document starts.</param>
/// <param name="SourceMap">Positions of its fields.</param>
/// <param name="DocumentIndex">Its document's 0-based index in the file.</param>
public sealed record LoadedResource(IResource Resource, SourceLocation Location, SourceMap SourceMap, int DocumentIndex)
{
    /// <summary>The file it came from.</summary>
    public string File => Location.File;

    /// <summary><c>Kind/name</c>, or <c>Kind/generateName*</c> for generated names.</summary>
    public string DisplayName => Resource.Metadata.Name is { Length: > 0 } name
        ? $"{Resource.Kind}/{name}"
        : $"{Resource.Kind}/{Resource.Metadata.GenerateName}*";
}
