using System.Collections.Immutable;
using System.Text.Json;

namespace Sluice.Catalog.Audit;

/// <summary>One OSV advisory, with only what matching NuGet packages needs (the OSV schema's names).</summary>
public sealed record OsvAdvisory
{
    /// <summary>The advisory's id, such as <c>GHSA-xxxx-xxxx-xxxx</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Other ids of the same vulnerability, such as CVE numbers.</summary>
    public ImmutableArray<string> Aliases { get; init; } = [];

    /// <summary>A one-line summary, when given.</summary>
    public string? Summary { get; init; }

    /// <summary><c>database_specific.severity</c> (GitHub's LOW, MODERATE, HIGH, CRITICAL), when given.</summary>
    public string? Severity { get; init; }

    /// <summary>The affected packages.</summary>
    public ImmutableArray<OsvAffected> Affected { get; init; } = [];

    /// <summary>Reads an advisory in OSV's JSON form.</summary>
    /// <exception cref="InvalidDataException">The JSON is not an OSV advisory; the message names <paramref name="source"/>.</exception>
    public static OsvAdvisory Parse(ReadOnlySpan<byte> json, string source)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || String(root, "id") is not { } id)
            {
                throw new InvalidDataException($"{source} is not an OSV advisory: it has no id");
            }

            return new OsvAdvisory
            {
                Id = id,
                Aliases = Strings(root, "aliases"),
                Summary = String(root, "summary"),
                Severity = root.TryGetProperty("database_specific", out var specific) && specific.ValueKind == JsonValueKind.Object ? String(specific, "severity") : null,
                Affected = [.. Items(root, "affected").Select(ReadAffected)],
            };
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"{source} is not an OSV advisory: {exception.Message}", exception);
        }
    }

    private static OsvAffected ReadAffected(JsonElement affected)
    {
        var package = affected.TryGetProperty("package", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        return new OsvAffected
        {
            Ecosystem = package.ValueKind == JsonValueKind.Object ? String(package, "ecosystem") ?? "" : "",
            Name = package.ValueKind == JsonValueKind.Object ? String(package, "name") ?? "" : "",
            Ranges = [.. Items(affected, "ranges").Select(range => new OsvRange
            {
                Type = String(range, "type") ?? "",
                Events = [.. Items(range, "events").SelectMany(Events)],
            })],
            Versions = Strings(affected, "versions"),
        };
    }

    private static IEnumerable<OsvEvent> Events(JsonElement item)
    {
        foreach (var (name, kind) in new[] { ("introduced", OsvEventKind.Introduced), ("fixed", OsvEventKind.Fixed), ("last_affected", OsvEventKind.LastAffected), ("limit", OsvEventKind.Limit) })
        {
            if (String(item, name) is { } version)
            {
                yield return new OsvEvent(kind, version);
            }
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static ImmutableArray<string> Strings(JsonElement element, string name) =>
        [.. Items(element, name).Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!)];

    private static IEnumerable<JsonElement> Items(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToList() : [];
}

/// <summary>A package an advisory affects, and which of its versions.</summary>
public sealed record OsvAffected
{
    /// <summary>The package's ecosystem; <c>NuGet</c> for the packages Sluice checks.</summary>
    public required string Ecosystem { get; init; }

    /// <summary>The package's name.</summary>
    public required string Name { get; init; }

    /// <summary>Version ranges; a version in any of them is affected.</summary>
    public ImmutableArray<OsvRange> Ranges { get; init; } = [];

    /// <summary>Affected versions listed one by one.</summary>
    public ImmutableArray<string> Versions { get; init; } = [];
}

/// <summary>A range of affected versions, as a list of events in version order.</summary>
public sealed record OsvRange
{
    /// <summary><c>ECOSYSTEM</c> or <c>SEMVER</c> (compared as NuGet versions); <c>GIT</c> ranges name commits and are not matched.</summary>
    public required string Type { get; init; }

    /// <summary>The range's events.</summary>
    public ImmutableArray<OsvEvent> Events { get; init; } = [];
}

/// <summary>What an event in a range says from its version on.</summary>
public enum OsvEventKind
{
    /// <summary>Affected from this version (<c>0</c>: from the first).</summary>
    Introduced,

    /// <summary>Not affected from this version.</summary>
    Fixed,

    /// <summary>Affected up to and including this version, not after it.</summary>
    LastAffected,

    /// <summary>The range ends before this version whatever else it says.</summary>
    Limit,
}

/// <summary>One event of a range.</summary>
/// <param name="Kind">What happens at the version.</param>
/// <param name="Version">The version, as the advisory writes it.</param>
public sealed record OsvEvent(OsvEventKind Kind, string Version);
