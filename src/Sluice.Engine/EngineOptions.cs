using System.Collections.Immutable;
using Sluice.Engine.Execution;

namespace Sluice.Engine;

/// <summary>How the engine runs: concurrency, network, defaults.</summary>
public sealed record EngineOptions
{
    /// <summary>
    /// How many TaskRuns run at once: across a run, or across all the runs of engines that share their
    /// slots (the runs of one sluice command); at least 8 whatever the core count, so that timeouts
    /// behave as they would on a cluster where independent tasks start together.
    /// </summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>How sandboxes reach the network.</summary>
    public NetworkMode Network { get; init; } = NetworkMode.Bridge;

    /// <summary>The timeout of a TaskRun or PipelineRun that sets none (Tekton's default is 60 minutes).</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The namespace of resources that name none.</summary>
    public string DefaultNamespace { get; init; } = "default";

    /// <summary>Extra /etc/hosts entries for every sandbox, as <c>host:ip</c>.</summary>
    public ImmutableArray<string> ExtraHosts { get; init; } = [];

    /// <summary>The most bytes of one result the engine reads (results have no 4 KB limit here).</summary>
    public int MaxResultBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Which TaskRuns are cached: those annotated (the default), all but those annotated off, or none.</summary>
    public CacheMode Cache { get; init; } = CacheMode.Annotated;
}

/// <summary>Which TaskRuns the cache serves (DESIGN.md section 5: Tekton YAML is cached only where asked).</summary>
public enum CacheMode
{
    /// <summary>TaskRuns whose run, embedded taskSpec or Task says <c>sluice.dev/cache: "true"</c>.</summary>
    Annotated,

    /// <summary>Every TaskRun but those annotated <c>sluice.dev/cache: "false"</c> (<c>sluice run --cache</c>).</summary>
    All,

    /// <summary>None, whatever the annotations say (<c>sluice run --no-cache</c>).</summary>
    Off,
}
