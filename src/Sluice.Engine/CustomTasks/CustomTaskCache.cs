using System.Collections.Immutable;
using Sluice.Engine.Caching;
using Sluice.Oci;

namespace Sluice.Engine.CustomTasks;

/// <summary>
/// <see cref="ICustomTaskCache"/> over the TaskRun cache: entries in its index with results and no
/// outputs, so <c>sluice cache ls|prune</c> show and bound them as any other, and trees digested by its
/// digester and stat cache.
/// </summary>
/// <param name="index">The cache index.</param>
/// <param name="trees">The tree digester.</param>
/// <param name="runUid">The run whose TaskRun remembers.</param>
/// <param name="taskRun">The TaskRun that remembers.</param>
public sealed class CustomTaskCache(ICacheIndex index, ITreeDigester trees, string runUid, string taskRun) : ICustomTaskCache
{
    /// <inheritdoc />
    public async Task<Digest> DigestTreeAsync(string directory, ImmutableArray<string> exclude, CancellationToken cancellationToken) =>
        (await trees.DigestAsync(directory, new TreeFilter { UseGitignore = false, Exclude = exclude.IsDefault ? [] : exclude }, cancellationToken).ConfigureAwait(false)).Digest;

    /// <inheritdoc />
    public async Task<CustomTaskMemory?> RecallAsync(Digest key, CancellationToken cancellationToken) =>
        await index.LookupAsync(key, cancellationToken).ConfigureAwait(false) is { } entry
            ? new CustomTaskMemory(entry.Result.Results.ToImmutableDictionary(StringComparer.Ordinal), entry.Result.SourceTaskRun)
            : null;

    /// <inheritdoc />
    public async Task RememberAsync(Digest key, ImmutableDictionary<string, string> results, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(results);
        var result = new CacheResult
        {
            Results = results.ToImmutableSortedDictionary(StringComparer.Ordinal),
            SourceRun = runUid,
            SourceTaskRun = taskRun,
        };
        await index.PutAsync(key, result, cancellationToken).ConfigureAwait(false);
    }
}
