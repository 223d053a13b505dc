using System.Collections.Immutable;

namespace Sluice.Oci.Distribution;

/// <summary>How a <see cref="RegistryClient"/> reaches registries: credentials, plain-HTTP registries, retries, chunk size.</summary>
public sealed record RegistryClientOptions
{
    /// <summary>Where credentials come from; null goes anonymously everywhere.</summary>
    public ICredentialProvider? Credentials { get; init; }

    /// <summary>
    /// Registries (host with port, as in references) spoken to over plain HTTP. Loopback registries
    /// (<c>localhost</c>, <c>127.0.0.0/8</c>, <c>[::1]</c>) always are, as Docker does.
    /// </summary>
    public ImmutableHashSet<string> InsecureRegistries { get; init; } = ImmutableHashSet.Create<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The clock for retry delays and token expiry.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How many times a request is sent at most when the registry answers 429 or 5xx or the connection fails.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>The delay before the first retry; it doubles per retry. A <c>Retry-After</c> header wins when given.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest delay between retries, whatever <c>Retry-After</c> says.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The size of each chunk of a chunked upload: the most memory one upload holds.</summary>
    public int ChunkSize { get; init; } = 8 * 1024 * 1024;

    /// <summary>The largest manifest accepted when pulling (the distribution-spec asks registries to take 4 MiB).</summary>
    public int MaxManifestSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>The <c>User-Agent</c> sent.</summary>
    public string UserAgent { get; init; } = "sluice";
}
