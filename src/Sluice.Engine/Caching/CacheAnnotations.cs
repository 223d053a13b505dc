namespace Sluice.Engine.Caching;

/// <summary>
/// The annotations that opt a TaskRun into caching, name what it reads and writes, and record what
/// the cache did. Tekton's CRD schemas allow any annotation, so Tekton tooling still reads the run.
/// </summary>
public static class CacheAnnotations
{
    /// <summary><c>"true"</c> caches the Task's runs, <c>"false"</c> never does; on a Task, an embedded taskSpec's metadata or a run.</summary>
    public const string Cache = "sluice.dev/cache";

    /// <summary>Workspace paths whose content enters the key, as <see cref="CachedPath.ParseList"/> reads them.</summary>
    public const string Inputs = "sluice.dev/cache-inputs";

    /// <summary>Workspace paths stored after a successful run and restored on a hit, as <see cref="CachedPath.ParseList"/> reads them.</summary>
    public const string Outputs = "sluice.dev/cache-outputs";

    /// <summary>Set on a cached TaskRun: <c>"true"</c> when it was restored from the cache, <c>"false"</c> when it ran.</summary>
    public const string Hit = "sluice.dev/cache-hit";

    /// <summary>Set on a hit: the name of the TaskRun that computed the entry.</summary>
    public const string Source = "sluice.dev/cache-source";

    /// <summary>Set on a hit: the uid of the run (PipelineRun, or TaskRun run alone) that computed the entry.</summary>
    public const string SourceRun = "sluice.dev/cache-source-run";

    /// <summary>Set on a cached TaskRun: its cache key.</summary>
    public const string Key = "sluice.dev/cache-key";

    /// <summary>Set when the cache could not be read or written; the run went on without it.</summary>
    public const string Error = "sluice.dev/cache-error";
}
