using System.Collections.Immutable;
using Sluice.Model;
using Sluice.Model.Diagnostics;
using Sluice.Model.Loading;

namespace Sluice.Sdk;

/// <summary>Resources read from YAML for a builder to start from, checked with their file positions.</summary>
internal sealed class YamlImport
{
    private YamlImport(ImmutableArray<IResource> resources)
    {
        Resources = resources;
    }

    public ImmutableArray<IResource> Resources { get; }

    /// <summary>Reads and validates every resource of the text; any problem is thrown with its line and column.</summary>
    public static YamlImport Read(string yaml, string file)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var diagnostics = new DiagnosticBag();
        var loaded = ResourceReader.ReadText(yaml, file, diagnostics);
        ResourceSet.FromResources(loaded, diagnostics);
        if (diagnostics.HasErrors)
        {
            throw new ResourceValidationException(file, diagnostics.ToImmutable());
        }

        return new YamlImport([.. loaded.Select(r => r.Resource)]);
    }

    /// <summary>The one resource of a kind, or an error that says how many there were.</summary>
    public T Single<T>(string file, string kind)
        where T : class, IResource
    {
        var matches = Resources.OfType<T>().ToList();
        return matches.Count == 1
            ? matches[0]
            : throw new ResourceValidationException($"{file}: expected exactly one {kind}, found {matches.Count}");
    }
}
