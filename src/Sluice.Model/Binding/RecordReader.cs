using Sluice.Model.Diagnostics;
using Sluice.Model.Yaml;

namespace Sluice.Model.Binding;

/// <summary>
/// Reads any Sluice record (such as a configuration file) from YAML with the same strictness and
/// positioned messages as Tekton resources: unknown fields and wrong types are reported, not ignored.
/// </summary>
public static class RecordReader
{
    /// <summary>Reads a record from a file; returns null and reports when the file is unusable.</summary>
    public static T? ReadFile<T>(string path, DiagnosticBag diagnostics)
        where T : class, new()
    {
        var documents = YamlReader.ReadFile(path, path, diagnostics);
        if (diagnostics.HasErrors)
        {
            return null;
        }

        var root = documents.FirstOrDefault()?.Root;
        if (root is null or YamlScalar { Kind: ScalarKind.Null })
        {
            return new T();
        }

        if (root is not YamlMapping mapping)
        {
            diagnostics.Add(root.Location, string.Empty, $"expected a mapping but found {root.Describe()}", "write the settings as key: value entries");
            return null;
        }

        return new NodeBinder(diagnostics, new SourceMap()).BindRecord(typeof(T), mapping, string.Empty) as T;
    }
}
