using System.Collections.Immutable;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Sluice.Catalog.Charts;

/// <summary>
/// A chart's <c>Chart.yaml</c>: the fields Helm's chart metadata has, in its order. Unknown fields are
/// ignored, as Helm ignores them.
/// </summary>
public sealed record ChartMetadata
{
    /// <summary>The chart's name, which names its archive and its OCI repository.</summary>
    public required string Name { get; init; }

    /// <summary>The project's home page.</summary>
    public string? Home { get; init; }

    /// <summary>Where the project's source is.</summary>
    public ImmutableArray<string> Sources { get; init; } = [];

    /// <summary>The chart's SemVer 2 version.</summary>
    public required string Version { get; init; }

    /// <summary>A one-sentence description.</summary>
    public string? Description { get; init; }

    /// <summary>Search keywords.</summary>
    public ImmutableArray<string> Keywords { get; init; } = [];

    /// <summary>Who maintains the chart.</summary>
    public ImmutableArray<ChartMaintainer> Maintainers { get; init; } = [];

    /// <summary>An icon's URL.</summary>
    public string? Icon { get; init; }

    /// <summary><c>v2</c> for Helm 3 charts, <c>v1</c> for older ones.</summary>
    public required string ApiVersion { get; init; }

    /// <summary>A values path that enables the chart as a dependency (Helm 2 charts).</summary>
    public string? Condition { get; init; }

    /// <summary>Tags that enable the chart as a dependency (Helm 2 charts).</summary>
    public string? Tags { get; init; }

    /// <summary>The version of the application the chart deploys.</summary>
    public string? AppVersion { get; init; }

    /// <summary>Whether the chart is deprecated.</summary>
    public bool Deprecated { get; init; }

    /// <summary>Free-form annotations.</summary>
    public ImmutableSortedDictionary<string, string> Annotations { get; init; } = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

    /// <summary>The Kubernetes versions the chart supports, as a SemVer range.</summary>
    public string? KubeVersion { get; init; }

    /// <summary>The charts this one depends on.</summary>
    public ImmutableArray<ChartDependency> Dependencies { get; init; } = [];

    /// <summary><c>application</c> or <c>library</c>; empty means application.</summary>
    public string? Type { get; init; }

    /// <summary>
    /// The metadata as the JSON Helm stores as an OCI chart's configuration: its fields in Helm's order,
    /// empty ones left out, annotations sorted by key.
    /// </summary>
    public byte[] ToConfigJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            WriteString(json, "name", Name);
            WriteString(json, "home", Home);
            WriteStrings(json, "sources", Sources);
            WriteString(json, "version", Version);
            WriteString(json, "description", Description);
            WriteStrings(json, "keywords", Keywords);
            if (!Maintainers.IsDefaultOrEmpty)
            {
                json.WriteStartArray("maintainers");
                foreach (var maintainer in Maintainers)
                {
                    json.WriteStartObject();
                    WriteString(json, "name", maintainer.Name);
                    WriteString(json, "email", maintainer.Email);
                    WriteString(json, "url", maintainer.Url);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            WriteString(json, "icon", Icon);
            WriteString(json, "apiVersion", ApiVersion);
            WriteString(json, "condition", Condition);
            WriteString(json, "tags", Tags);
            WriteString(json, "appVersion", AppVersion);
            if (Deprecated)
            {
                json.WriteBoolean("deprecated", true);
            }

            if (Annotations.Count > 0)
            {
                json.WriteStartObject("annotations");
                foreach (var (key, value) in Annotations)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            WriteString(json, "kubeVersion", KubeVersion);
            if (!Dependencies.IsDefaultOrEmpty)
            {
                json.WriteStartArray("dependencies");
                foreach (var dependency in Dependencies)
                {
                    dependency.Write(json);
                }

                json.WriteEndArray();
            }

            WriteString(json, "type", Type);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    internal static void WriteString(Utf8JsonWriter json, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            json.WriteString(name, value);
        }
    }

    internal static void WriteStrings(Utf8JsonWriter json, string name, ImmutableArray<string> values)
    {
        if (!values.IsDefaultOrEmpty)
        {
            json.WriteStartArray(name);
            foreach (var value in values)
            {
                json.WriteStringValue(value);
            }

            json.WriteEndArray();
        }
    }
}

/// <summary>A chart maintainer.</summary>
/// <param name="Name">The person's or organization's name.</param>
/// <param name="Email">An email address, when given.</param>
/// <param name="Url">A URL, when given.</param>
public sealed record ChartMaintainer(string Name, string? Email = null, string? Url = null);

/// <summary>A chart dependency as <c>Chart.yaml</c> lists it.</summary>
public sealed record ChartDependency
{
    /// <summary>The dependency's chart name.</summary>
    public required string Name { get; init; }

    /// <summary>Its version or version range.</summary>
    public string? Version { get; init; }

    /// <summary>The repository it comes from (a URL, an alias, or empty for charts/).</summary>
    public string Repository { get; init; } = "";

    /// <summary>A values path that enables it.</summary>
    public string? Condition { get; init; }

    /// <summary>Tags that enable it.</summary>
    public ImmutableArray<string> Tags { get; init; } = [];

    /// <summary>Another name it is installed under.</summary>
    public string? Alias { get; init; }

    internal void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("name", Name);
        ChartMetadata.WriteString(json, "version", Version);
        json.WriteString("repository", Repository);
        ChartMetadata.WriteString(json, "condition", Condition);
        ChartMetadata.WriteStrings(json, "tags", Tags);
        ChartMetadata.WriteString(json, "alias", Alias);
        json.WriteEndObject();
    }
}
