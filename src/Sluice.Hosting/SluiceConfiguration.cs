using System.Collections.Immutable;
using Sluice.Model;

namespace Sluice.Hosting;

/// <summary>The contents of a <c>sluice.yaml</c>.</summary>
public sealed record SluiceConfiguration
{
    /// <summary>Image references rewritten before lookup and pull (air-gapped mirrors and local stand-ins).</summary>
    public ImmutableSortedDictionary<string, string> ImageMirrors { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>The backend: <c>docker</c> (default) or <c>host</c>.</summary>
    public string? Executor { get; init; }

    /// <summary>The network mode of sandboxes: <c>bridge</c> (default), <c>host</c> or <c>none</c>.</summary>
    public string? Network { get; init; }

    /// <summary>How many TaskRuns run at once (at least 8 unless set lower here).</summary>
    public int? Concurrency { get; init; }

    /// <summary>The timeout of runs that set none; Tekton's default is 1h.</summary>
    public Duration? DefaultTimeout { get; init; }

    /// <summary>Merges another configuration over this one: its values win, mirror maps combine.</summary>
    public SluiceConfiguration Merge(SluiceConfiguration other) => new()
    {
        ImageMirrors = ImageMirrors.SetItems(other.ImageMirrors),
        Executor = other.Executor ?? Executor,
        Network = other.Network ?? Network,
        Concurrency = other.Concurrency ?? Concurrency,
        DefaultTimeout = other.DefaultTimeout ?? DefaultTimeout,
    };
}
