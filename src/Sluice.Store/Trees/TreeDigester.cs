using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Sluice.Engine.Caching;

namespace Sluice.Store.Trees;

/// <summary>
/// Digests directory trees for cache keys, with a persistent stat cache so an unchanged tree is
/// re-digested from <c>statx</c> alone. It lives in Sluice.Store because it keeps state under
/// <c>$SLUICE_HOME</c> (the stat cache beside the database and the cache index) and does file I/O the
/// engine may not; the engine sees only <see cref="ITreeDigester"/>, and the composition root hands
/// this implementation to whoever reads workspaces (a sandbox).
/// </summary>
/// <remarks>
/// The digest is SHA-256 over the sorted entries <c>MODE\0PATH\0CONTENT\0</c>: <c>PATH</c> relative
/// with <c>/</c>; <c>MODE</c> as Git records it (<c>100644</c>, <c>100755</c> when executable,
/// <c>120000</c> for a symbolic link), so a umask does not change a key; <c>CONTENT</c> the file's
/// SHA-256 digest or the link's target. Empty directories do not count, as in Git, nor do <c>.git</c>,
/// sockets and devices. A file changed within <see cref="RacyWindow"/> of a walk is hashed again next
/// time, since a second change in the same clock tick could keep its stat.
/// </remarks>
public sealed class TreeDigester : ITreeDigester
{
    /// <summary>How recent a change must be for its stat not to be trusted next time.</summary>
    public static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(2);

    private readonly string _stateDirectory;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Lazy<Task<TreeDigest>>> _walking = new(StringComparer.Ordinal);

    /// <summary>Keeps stat caches in <paramref name="stateDirectory"/> (such as <c>$SLUICE_HOME/cache/stat</c>).</summary>
    public TreeDigester(string stateDirectory, TimeProvider time)
    {
        _stateDirectory = Path.GetFullPath(stateDirectory);
        _time = time;
    }

    /// <inheritdoc />
    public Task<TreeDigest> DigestAsync(string directory, TreeFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var root = Path.GetFullPath(directory);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"{root}: no such directory to digest");
        }

        // Two asking for one tree at once (an image and an archive of the same binaries) share one walk;
        // whoever asks after it ended walks again.
        var key = root + "\0" + Describe(filter);
        var walk = _walking.GetOrAdd(key, _ => new Lazy<Task<TreeDigest>>(() => WalkOnceAsync(key, root, filter)));
        return walk.Value.WaitAsync(cancellationToken);
    }

    private async Task<TreeDigest> WalkOnceAsync(string key, string root, TreeFilter filter)
    {
        try
        {
            return await Task.Run(() => Digest(root, filter, CancellationToken.None)).ConfigureAwait(false);
        }
        finally
        {
            _walking.TryRemove(key, out _);
        }
    }

    private TreeDigest Digest(string root, TreeFilter filter, CancellationToken cancellationToken)
    {
        var statePath = StatCache.PathFor(_stateDirectory, root, Describe(filter));
        var walk = new Walk(StatCache.Load(statePath), _time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000L - (long)RacyWindow.TotalMilliseconds * 1_000_000L);
        foreach (var entry in TreeWalk.Enumerate(root, filter, cancellationToken))
        {
            walk.Add(entry);
        }

        if (walk.FilesHashed > 0 || walk.Seen.Count != walk.Cache.Count)
        {
            StatCache.Save(statePath, walk.Seen);
        }

        return new TreeDigest
        {
            Digest = Oci.Digest.Parse("sha256:" + Convert.ToHexStringLower(Hash(walk.Entries))),
            Files = walk.Entries.Count,
            FilesHashed = walk.FilesHashed,
            BytesHashed = walk.BytesHashed,
        };
    }

    /// <summary>SHA-256 over the entries in path order, each as <c>MODE\0PATH\0CONTENT\0</c>, written into one reused buffer.</summary>
    private static byte[] Hash(List<Entry> entries)
    {
        entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new ArrayBufferWriter<byte>(4096);
        foreach (var entry in entries)
        {
            buffer.ResetWrittenCount();
            Encoding.ASCII.GetBytes(entry.Mode, buffer);
            buffer.Write<byte>([0]);
            Encoding.UTF8.GetBytes(entry.Path, buffer);
            buffer.Write<byte>([0]);
            if (entry.Digest is { } digest)
            {
                buffer.Write("sha256:"u8);
                var hex = buffer.GetSpan(64);
                Convert.TryToHexStringLower(digest, hex, out var written);
                buffer.Advance(written);
            }
            else
            {
                Encoding.UTF8.GetBytes(entry.LinkTarget ?? string.Empty, buffer);
            }

            buffer.Write<byte>([0]);
            hash.AppendData(buffer.WrittenSpan);
        }

        return hash.GetHashAndReset();
    }

    private static string Describe(TreeFilter filter) =>
        $"{string.Join('\n', filter.Include)}\0{string.Join('\n', filter.Exclude)}\0{filter.UseGitignore}\0{filter.GitignoreFrom}";

    /// <summary>One file or link of the tree: its Git mode, and its content digest or link target.</summary>
    private readonly record struct Entry(string Path, string Mode, byte[]? Digest, string? LinkTarget);

    private sealed class Walk(StatCache cache, long trustedBefore)
    {
        public StatCache Cache => cache;

        public List<Entry> Entries { get; } = [];

        public Dictionary<string, StatCache.Entry> Seen { get; } = new(StringComparer.Ordinal);

        public int FilesHashed { get; private set; }

        public long BytesHashed { get; private set; }

        public void Add(TreeEntry entry)
        {
            var status = entry.Status;
            Entries.Add(status.IsFile
                ? new Entry(entry.RelativePath, status.IsExecutable ? "100755" : "100644", FileDigest(entry.FullPath, entry.RelativePath, status), null)
                : new Entry(entry.RelativePath, "120000", null, new FileInfo(entry.FullPath).LinkTarget ?? string.Empty));
        }

        private byte[] FileDigest(string path, string relative, FileStatus status)
        {
            var digest = cache.Find(relative, status);
            if (digest is null)
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
                digest = SHA256.HashData(stream);
                FilesHashed++;
                BytesHashed += stream.Length;
            }

            if (status.ModifiedNanoseconds < trustedBefore && status.ChangedNanoseconds < trustedBefore)
            {
                Seen[relative] = StatCache.Entry.Of(status, digest);
            }

            return digest;
        }
    }
}
