using System.Collections.Immutable;

namespace Sluice.Engine.Execution;

/// <summary>A local image, after mirror mapping and pulling, with the metadata that decides how a step starts.</summary>
public sealed record ResolvedImage
{
    /// <summary>The reference as the YAML wrote it.</summary>
    public string Requested { get; init; } = string.Empty;

    /// <summary>The reference after mirror mapping.</summary>
    public string Reference { get; init; } = string.Empty;

    /// <summary>The local image id (<c>sha256:...</c>); caching keys on it.</summary>
    public string ImageId { get; init; } = string.Empty;

    /// <summary>The image's ENTRYPOINT.</summary>
    public ImmutableArray<string> Entrypoint { get; init; } = [];

    /// <summary>The image's CMD.</summary>
    public ImmutableArray<string> Cmd { get; init; } = [];

    /// <summary>The image's environment, as <c>NAME=value</c>.</summary>
    public ImmutableArray<string> Env { get; init; } = [];

    /// <summary>The image's working directory, if any.</summary>
    public string? WorkingDir { get; init; }

    /// <summary>The image's user, if any.</summary>
    public string? User { get; init; }

    /// <summary>The platform, such as <c>linux/amd64</c>.</summary>
    public string Platform { get; init; } = string.Empty;
}
