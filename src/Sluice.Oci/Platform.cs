using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Sluice.Oci;

/// <summary>The platform an image runs on, as an index's descriptors and an image configuration name it.</summary>
public sealed record Platform
{
    /// <summary>The CPU architecture in Go's spelling: <c>amd64</c>, <c>arm64</c>, <c>arm</c>, <c>ppc64le</c>, <c>s390x</c>.</summary>
    [JsonPropertyName("architecture")]
    public required string Architecture { get; init; }

    /// <summary>The operating system in Go's spelling: <c>linux</c>, <c>windows</c>.</summary>
    [JsonPropertyName("os")]
    public required string Os { get; init; }

    /// <summary>The operating system version, for Windows images.</summary>
    [JsonPropertyName("os.version")]
    public string? OsVersion { get; init; }

    /// <summary>Operating system features the image needs.</summary>
    [JsonPropertyName("os.features")]
    public ImmutableArray<string> OsFeatures { get; init; } = [];

    /// <summary>The CPU variant, such as <c>v7</c> for <c>arm</c> or <c>v8</c> for <c>arm64</c>.</summary>
    [JsonPropertyName("variant")]
    public string? Variant { get; init; }

    /// <summary>Reads <c>os/architecture[/variant]</c>, such as <c>linux/arm64</c> or <c>linux/arm/v7</c>.</summary>
    public static Platform? Parse(string text, out string? error)
    {
        var parts = text.Split('/');
        if (parts.Length is < 2 or > 3 || parts.Any(string.IsNullOrWhiteSpace))
        {
            error = $"'{text}' is not a platform: expected os/architecture[/variant], such as linux/amd64 or linux/arm/v7";
            return null;
        }

        error = null;
        return new Platform { Os = parts[0], Architecture = parts[1], Variant = parts.Length == 3 ? parts[2] : null };
    }

    /// <summary><c>os/architecture[/variant]</c>.</summary>
    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";
}
