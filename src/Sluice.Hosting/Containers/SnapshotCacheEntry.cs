using System.Collections.Immutable;
using System.Globalization;
using Sluice.Engine.Caching;
using Sluice.Sdk.Containers;

namespace Sluice.Hosting.Containers;

/// <summary>
/// What the cache keeps of an exec or a copy: the committed snapshot and, for an exec, how it ended and
/// what it printed, as the results of a <see cref="CacheResult"/>. Reading an entry back refuses one
/// that lacks any of it, so a damaged entry is a miss, never a hit with a wrong output.
/// </summary>
/// <param name="Snapshot">The committed image and its size.</param>
/// <param name="Exec">The exec's output, or null for a copy.</param>
internal sealed record SnapshotCacheEntry(CacheSnapshot Snapshot, ExecOutput? Exec)
{
    /// <summary>The result with the exec's exit code.</summary>
    public const string ExitCodeResult = "sluice.dev/exit-code";

    /// <summary>The result with the exec's standard output.</summary>
    public const string StdoutResult = "sluice.dev/stdout";

    /// <summary>The result with the exec's standard error.</summary>
    public const string StderrResult = "sluice.dev/stderr";

    /// <summary>The entry as the index stores it.</summary>
    /// <param name="sourceRun">The client's run, which computed it.</param>
    /// <param name="op">The op, named in the entry for <c>sluice cache ls</c>.</param>
    public CacheResult ToResult(string sourceRun, ContainerOp op)
    {
        var results = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);
        if (Exec is { } exec)
        {
            results = results
                .Add(ExitCodeResult, exec.ExitCode.ToString(CultureInfo.InvariantCulture))
                .Add(StdoutResult, exec.Stdout)
                .Add(StderrResult, exec.Stderr);
        }

        return new CacheResult { Results = Snapshot.AddTo(results), SourceRun = sourceRun, SourceTaskRun = $"sdk {op.Name}" };
    }

    /// <summary>The entry of an op read back from a hit, or null when the hit lacks part of what the op needs.</summary>
    public static SnapshotCacheEntry? FromResult(CacheResult result, ContainerOp op)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (CacheSnapshot.Of(result) is not { } snapshot)
        {
            return null;
        }

        if (op is not ExecOp exec)
        {
            return op is WithDirectoryOp ? new SnapshotCacheEntry(snapshot, null) : null;
        }

        var results = result.Results;
        return results.TryGetValue(ExitCodeResult, out var code) && int.TryParse(code, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exitCode) && exitCode == 0
            && results.TryGetValue(StdoutResult, out var stdout) && results.TryGetValue(StderrResult, out var stderr)
            ? new SnapshotCacheEntry(snapshot, new ExecOutput { Args = exec.Args, ExitCode = exitCode, Stdout = stdout, Stderr = stderr })
            : null;
    }
}
