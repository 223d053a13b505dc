using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Sluice.Oci;

/// <summary>
/// An OCI image configuration: platform, run defaults, the layers' uncompressed digests and history.
/// Fields are in the order of the image-spec's Go types so that a configuration Sluice writes has the
/// same bytes as one written by other tools from the same values. Fields it does not know are dropped.
/// </summary>
public sealed record ImageConfig
{
    /// <summary>When the image was created; a fixed time for reproducible images.</summary>
    [JsonPropertyName("created")]
    public DateTimeOffset? Created { get; init; }

    /// <summary>Who made the image.</summary>
    [JsonPropertyName("author")]
    public string? Author { get; init; }

    /// <summary>The CPU architecture in Go's spelling.</summary>
    [JsonPropertyName("architecture")]
    public required string Architecture { get; init; }

    /// <summary>The operating system in Go's spelling.</summary>
    [JsonPropertyName("os")]
    public required string Os { get; init; }

    /// <summary>The operating system version, for Windows images.</summary>
    [JsonPropertyName("os.version")]
    public string? OsVersion { get; init; }

    /// <summary>Operating system features the image needs.</summary>
    [JsonPropertyName("os.features")]
    public ImmutableArray<string> OsFeatures { get; init; } = [];

    /// <summary>The CPU variant.</summary>
    [JsonPropertyName("variant")]
    public string? Variant { get; init; }

    /// <summary>What a container from the image runs, and how.</summary>
    [JsonPropertyName("config")]
    public ContainerConfig? Config { get; init; }

    /// <summary>The layers' uncompressed digests.</summary>
    [JsonPropertyName("rootfs")]
    public required RootFs RootFs { get; init; }

    /// <summary>How each layer was made, base first; entries with <see cref="HistoryEntry.EmptyLayer"/> have no layer.</summary>
    [JsonPropertyName("history")]
    public ImmutableArray<HistoryEntry> History { get; init; } = [];

    /// <summary>The platform this configuration is for.</summary>
    [JsonIgnore]
    public Platform Platform => new() { Os = Os, Architecture = Architecture, Variant = Variant, OsVersion = OsVersion, OsFeatures = OsFeatures };
}

/// <summary>The run defaults of an image (Docker's field names, kept by the image-spec).</summary>
public sealed record ContainerConfig
{
    /// <summary>The user (name or uid, optionally <c>:group</c>) processes run as.</summary>
    [JsonPropertyName("User")]
    public string? User { get; init; }

    /// <summary>Ports such as <c>8080/tcp</c>; written as an object of empty objects, sorted.</summary>
    [JsonPropertyName("ExposedPorts")]
    [JsonConverter(typeof(ObjectSetJsonConverter))]
    public ImmutableArray<string> ExposedPorts { get; init; } = [];

    /// <summary>Environment variables as <c>NAME=value</c>, in order.</summary>
    [JsonPropertyName("Env")]
    public ImmutableArray<string> Env { get; init; } = [];

    /// <summary>The entrypoint.</summary>
    [JsonPropertyName("Entrypoint")]
    public ImmutableArray<string> Entrypoint { get; init; } = [];

    /// <summary>The default arguments.</summary>
    [JsonPropertyName("Cmd")]
    public ImmutableArray<string> Cmd { get; init; } = [];

    /// <summary>Volume paths; written as an object of empty objects, sorted.</summary>
    [JsonPropertyName("Volumes")]
    [JsonConverter(typeof(ObjectSetJsonConverter))]
    public ImmutableArray<string> Volumes { get; init; } = [];

    /// <summary>The working directory.</summary>
    [JsonPropertyName("WorkingDir")]
    public string? WorkingDir { get; init; }

    /// <summary>Labels; written sorted by key.</summary>
    [JsonPropertyName("Labels")]
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>The signal that stops a container.</summary>
    [JsonPropertyName("StopSignal")]
    public string? StopSignal { get; init; }

    /// <summary>Windows only: the command line is already escaped.</summary>
    [JsonPropertyName("ArgsEscaped")]
    public bool ArgsEscaped { get; init; }
}

/// <summary>The layers of an image's root filesystem by uncompressed digest.</summary>
public sealed record RootFs
{
    /// <summary>Always <c>layers</c>.</summary>
    [JsonPropertyName("type")]
    public string Type { get; init; } = "layers";

    /// <summary>The uncompressed (tar) digest of each layer, base first. Written even when empty.</summary>
    [JsonPropertyName("diff_ids")]
    public required ImmutableArray<Digest> DiffIds { get; init; }
}

/// <summary>One step of an image's history.</summary>
public sealed record HistoryEntry
{
    /// <summary>When the step ran.</summary>
    [JsonPropertyName("created")]
    public DateTimeOffset? Created { get; init; }

    /// <summary>The command that made the layer.</summary>
    [JsonPropertyName("created_by")]
    public string? CreatedBy { get; init; }

    /// <summary>Who made it.</summary>
    [JsonPropertyName("author")]
    public string? Author { get; init; }

    /// <summary>A comment.</summary>
    [JsonPropertyName("comment")]
    public string? Comment { get; init; }

    /// <summary>The step made no layer (only metadata changed).</summary>
    [JsonPropertyName("empty_layer")]
    public bool EmptyLayer { get; init; }
}
