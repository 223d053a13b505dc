using System.Collections.Immutable;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Sluice.Catalog.Audit;

/// <summary>A NuGet package in an SBOM.</summary>
/// <param name="Name">The package id as restored.</param>
/// <param name="Version">The resolved version, normalized as NuGet writes it.</param>
/// <param name="Scope">
/// <c>required</c> when something ships with the project (reached from a dependency that is not private),
/// <c>excluded</c> when only private assets reach it (analyzers, build tools).
/// </param>
/// <param name="Sha512">The package's SHA-512 in lowercase hex, as restore verified it, when known.</param>
public sealed record SbomComponent(string Name, string Version, string Scope = "required", string? Sha512 = null)
{
    /// <summary>The package URL: <c>pkg:nuget/NAME@VERSION</c>; also the component's <c>bom-ref</c>.</summary>
    public string Purl => $"pkg:nuget/{Uri.EscapeDataString(Name)}@{Uri.EscapeDataString(Version)}";
}

/// <summary>What a component depends on, by <c>bom-ref</c>.</summary>
/// <param name="Ref">The depending component's <c>bom-ref</c>.</param>
/// <param name="DependsOn">The <c>bom-ref</c>s it depends on, sorted.</param>
public sealed record SbomDependency(string Ref, ImmutableArray<string> DependsOn);

/// <summary>
/// A CycloneDX 1.5 bill of materials of NuGet packages: the project as the metadata's component, every
/// package as a library component, and the dependency graph. The same restore gives the same bytes:
/// components and dependencies are sorted, there is no serial number, and the timestamp is written only
/// when one is given.
/// </summary>
public sealed record SbomDocument
{
    /// <summary>The project the bill is of: its name.</summary>
    public required string Name { get; init; }

    /// <summary>The project's version, when known.</summary>
    public string? Version { get; init; }

    /// <summary>When the bill was made, or null to leave it out for reproducibility.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>The packages, sorted by name (ignoring case) and version.</summary>
    public required ImmutableArray<SbomComponent> Components { get; init; }

    /// <summary>The dependency graph: the project's direct packages first, then each package's, by ref.</summary>
    public required ImmutableArray<SbomDependency> Dependencies { get; init; }

    /// <summary>The project's <c>bom-ref</c>.</summary>
    public string BomRef => Version is null ? Name : $"{Name}@{Version}";

    /// <summary>The bill as CycloneDX 1.5 JSON, indented by two spaces.</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("bomFormat", "CycloneDX");
            json.WriteString("specVersion", "1.5");
            json.WriteNumber("version", 1);
            json.WriteStartObject("metadata");
            if (Timestamp is { } timestamp)
            {
                json.WriteString("timestamp", timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            }

            json.WriteStartObject("tools");
            json.WriteStartArray("components");
            json.WriteStartObject();
            json.WriteString("type", "application");
            json.WriteString("name", "sluice");
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartObject("component");
            json.WriteString("type", "application");
            json.WriteString("bom-ref", BomRef);
            json.WriteString("name", Name);
            if (Version is not null)
            {
                json.WriteString("version", Version);
            }

            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartArray("components");
            foreach (var component in Components)
            {
                json.WriteStartObject();
                json.WriteString("type", "library");
                json.WriteString("bom-ref", component.Purl);
                json.WriteString("name", component.Name);
                json.WriteString("version", component.Version);
                json.WriteString("scope", component.Scope);
                if (component.Sha512 is { } sha512)
                {
                    json.WriteStartArray("hashes");
                    json.WriteStartObject();
                    json.WriteString("alg", "SHA-512");
                    json.WriteString("content", sha512);
                    json.WriteEndObject();
                    json.WriteEndArray();
                }

                json.WriteString("purl", component.Purl);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("dependencies");
            foreach (var dependency in Dependencies)
            {
                json.WriteStartObject();
                json.WriteString("ref", dependency.Ref);
                json.WriteStartArray("dependsOn");
                foreach (var target in dependency.DependsOn)
                {
                    json.WriteStringValue(target);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>
    /// The NuGet packages of a CycloneDX JSON bill (any tool's): each component whose <c>purl</c> is
    /// <c>pkg:nuget/…</c>, with its scope when given.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a CycloneDX JSON document.</exception>
    public static ImmutableArray<SbomComponent> ReadComponents(ReadOnlySpan<byte> cycloneDxJson)
    {
        try
        {
            var reader = new Utf8JsonReader(cycloneDxJson);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("bomFormat", out var format) || format.GetString() != "CycloneDX")
            {
                throw new InvalidDataException("not a CycloneDX bill: bomFormat is not CycloneDX");
            }

            if (!root.TryGetProperty("components", out var components) || components.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            return [.. components.EnumerateArray()
                .Select(c => (Purl: c.TryGetProperty("purl", out var p) ? p.GetString() : null, Component: c))
                .Where(c => c.Purl is not null && c.Purl.StartsWith("pkg:nuget/", StringComparison.OrdinalIgnoreCase) && c.Purl.Contains('@', StringComparison.Ordinal))
                .Select(c =>
                {
                    var text = c.Purl!["pkg:nuget/".Length..].Split('?', '#')[0];
                    var at = text.LastIndexOf('@');
                    var scope = c.Component.TryGetProperty("scope", out var s) ? s.GetString() ?? "required" : "required";
                    return new SbomComponent(Uri.UnescapeDataString(text[..at]), Uri.UnescapeDataString(text[(at + 1)..]), scope);
                })];
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"not a CycloneDX bill: {exception.Message}", exception);
        }
    }
}
