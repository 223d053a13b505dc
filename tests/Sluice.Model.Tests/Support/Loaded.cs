using System.Collections.Immutable;
using Sluice.Model.Diagnostics;
using Sluice.Model.Loading;
using Sluice.Model.Yaml;

namespace Sluice.Model.Tests.Support;

/// <summary>What reading (and optionally validating) one YAML text gave, with assertions that name Tekton's expectations.</summary>
internal sealed record Loaded(string Yaml, ImmutableArray<LoadedResource> Resources, ImmutableArray<Diagnostic> Diagnostics)
{
    public const string File = "test.yaml";

    /// <summary>Reads the text and runs the admission checks, as <c>sluice validate</c> does.</summary>
    public static Loaded Validate(string yaml)
    {
        var diagnostics = new DiagnosticBag();
        var resources = ResourceReader.ReadText(yaml, File, diagnostics);
        ResourceSet.FromResources(resources, diagnostics);
        return new Loaded(yaml, resources, diagnostics.ToImmutable());
    }

    /// <summary>Reads the text into resources without validating them.</summary>
    public static Loaded Read(string yaml)
    {
        var diagnostics = new DiagnosticBag();
        var resources = ResourceReader.ReadText(yaml, File, diagnostics);
        return new Loaded(yaml, resources, diagnostics.ToImmutable());
    }

    /// <summary>Reads YAML into nodes only.</summary>
    public static (ImmutableArray<YamlDocument> Documents, ImmutableArray<Diagnostic> Diagnostics) Nodes(string yaml)
    {
        var diagnostics = new DiagnosticBag();
        var documents = YamlReader.Read(yaml, File, diagnostics);
        return (documents, diagnostics.ToImmutable());
    }

    public T Single<T>()
        where T : class, IResource
    {
        Assert.True(Resources.Length == 1, $"expected one resource, got {Resources.Length}:\n{Dump()}");
        return Assert.IsType<T>(Resources[0].Resource);
    }

    public void Clean() => Assert.True(Diagnostics.IsEmpty, $"expected no diagnostics, got:\n{Dump()}");

    /// <summary>The one diagnostic with this exact message; checks its field path.</summary>
    public Diagnostic Expect(string message, string path)
    {
        var diagnostic = Expect(message);
        Assert.Equal(path, diagnostic.FieldPath);
        return diagnostic;
    }

    /// <summary>The one diagnostic with this exact message.</summary>
    public Diagnostic Expect(string message) => ExpectWhere(d => d.Message == message, $"message \"{message}\"");

    /// <summary>The one diagnostic that matches.</summary>
    public Diagnostic ExpectWhere(Func<Diagnostic, bool> predicate, string description)
    {
        var matches = Diagnostics.Where(predicate).ToList();
        Assert.True(matches.Count == 1, $"expected one diagnostic with {description}, got {matches.Count} among:\n{Dump()}");
        return matches[0];
    }

    /// <summary>
    /// Tekton v1 reports an undeclared variable as <c>non-existent variable in "value"</c>; v1beta1 adds the
    /// name (<c>ValidateNoReferencesToUnknownVariablesWithDetail</c>). Both are Tekton's wording.
    /// </summary>
    public Diagnostic ExpectNonExistent(string name, string value) => ExpectWhere(
        d => d.Message == $"non-existent variable in \"{value}\"" || d.Message == $"non-existent variable `{name}` in \"{value}\"",
        $"Tekton's non-existent variable message for {name} in \"{value}\"");

    public void None(string message) =>
        Assert.False(Diagnostics.Any(d => d.Message == message), $"expected no diagnostic \"{message}\", got:\n{Dump()}");

    /// <summary>Checks that a diagnostic points at the start of <paramref name="needle"/> in the YAML text.</summary>
    public void At(Diagnostic diagnostic, string needle, int occurrence = 1)
    {
        var (line, column) = Position.Of(Yaml, needle, occurrence);
        Assert.True(
            diagnostic.Location.File == File && diagnostic.Location.Line == line && diagnostic.Location.Column == column,
            $"expected {diagnostic.Message} at {File}:{line}:{column} (\"{needle}\" #{occurrence}), got {diagnostic.Location}");
    }

    /// <summary>Checks that a diagnostic is on the line of <paramref name="needle"/>.</summary>
    public void OnLineOf(Diagnostic diagnostic, string needle, int occurrence = 1)
    {
        var (line, _) = Position.Of(Yaml, needle, occurrence);
        Assert.True(diagnostic.Location.Line == line, $"expected {diagnostic.Message} on line {line} (\"{needle}\"), got {diagnostic.Location}");
    }

    public string Dump() => Diagnostics.IsEmpty ? "  (none)" : string.Join("\n", Diagnostics.Select(d => "  " + d));
}
