using Sluice.Model.Diagnostics;

namespace Sluice.Catalog.Charts;

/// <summary>A chart's Chart.yaml and values.yaml with the overrides applied, and the metadata read from them.</summary>
internal sealed record ChartSource(string Directory, ChartMetadata Metadata, string ChartYaml, string? ValuesYaml)
{
    public const string ValuesFile = "values.yaml";
    public const string SchemaFile = "values.schema.json";

    public string ValuesPath => Path.Combine(Directory, ValuesFile);

    /// <summary>Reads a chart directory's Chart.yaml and values.yaml and applies the overrides; null when Chart.yaml cannot be used.</summary>
    public static ChartSource? Load(string directory, ChartOverrides overrides, DiagnosticBag problems)
    {
        var chartPath = Path.Combine(directory, ChartFile.FileName);
        if (!File.Exists(chartPath))
        {
            problems.Add(new SourceLocation(chartPath, 0, 0), "", $"{directory} has no {ChartFile.FileName}, so it is not a chart", "point at the chart's directory, or add a Chart.yaml with apiVersion: v2, name and version");
            return null;
        }

        var chartYaml = File.ReadAllText(chartPath);
        chartYaml = Override(chartYaml, chartPath, "version", overrides.Version, problems);
        chartYaml = Override(chartYaml, chartPath, "appVersion", overrides.AppVersion, problems);
        var metadata = ChartFile.Read(chartYaml, chartPath, problems);

        var valuesPath = Path.Combine(directory, ValuesFile);
        var values = File.Exists(valuesPath) ? File.ReadAllText(valuesPath) : null;
        foreach (var (path, value) in overrides.Values)
        {
            var edited = YamlTextEditor.Set(values ?? "", path, value, out var error);
            if (error is var (message, line, column))
            {
                problems.Add(new SourceLocation(valuesPath, line, column), path, message, $"change {ValuesFile} so that {path} is a value under mappings, or override another path");
            }
            else
            {
                values = edited;
            }
        }

        return metadata is null ? null : new ChartSource(directory, metadata, chartYaml, values);
    }

    private static string Override(string text, string file, string field, string? value, DiagnosticBag problems)
    {
        if (value is null)
        {
            return text;
        }

        if (field == "version")
        {
            ChartFile.CheckVersion(value, SourceLocation.None, "version", problems);
        }

        // An unreadable Chart.yaml is reported when it is read; the override then has nothing to apply to.
        return YamlTextEditor.Set(text, field, value, out var error) is { } edited && error is null ? edited : text;
    }
}
