using System.Collections.Immutable;
using Sluice.Oci;

namespace Sluice.Engine.CustomTasks;

/// <summary>
/// What a custom task remembers of its own work: the results that a set of inputs, named by their digest,
/// produced. A publisher uses it to learn which digest its inputs make without building it again, then
/// checks that the registry still holds it; the publish itself stays idempotent, never taken on trust.
/// </summary>
public interface ICustomTaskCache
{
    /// <summary>
    /// The content digest of a directory's files, every file counted but those matching <paramref name="exclude"/>
    /// (.gitignore-style globs relative to the directory); no ignore file applies of itself.
    /// </summary>
    Task<Digest> DigestTreeAsync(string directory, ImmutableArray<string> exclude, CancellationToken cancellationToken);

    /// <summary>What work with this key produced, and which TaskRun did it; null when nothing is remembered.</summary>
    Task<CustomTaskMemory?> RecallAsync(Digest key, CancellationToken cancellationToken);

    /// <summary>Remembers the string results work with this key produced.</summary>
    Task RememberAsync(Digest key, ImmutableDictionary<string, string> results, CancellationToken cancellationToken);
}

/// <summary>Results remembered for a key.</summary>
/// <param name="Results">The results, by name.</param>
/// <param name="SourceTaskRun">The TaskRun that produced them, when known.</param>
public sealed record CustomTaskMemory(ImmutableDictionary<string, string> Results, string? SourceTaskRun);
