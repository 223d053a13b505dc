using System.Security.Cryptography;
using System.Text;

namespace Sluice.Store.Trees;

/// <summary>
/// What a tree's files looked like when they were last hashed: path, size, inode, modification and
/// change time, and the content digest. A file whose stat is unchanged is not read again. Kept as one
/// small binary file per tree and filter, replaced atomically, so concurrent writers never leave a
/// torn file (the last one wins) and an unreadable file only costs a re-hash.
/// </summary>
internal sealed class StatCache
{
    private const string Magic = "sluice-stat-cache/1";
    private readonly Dictionary<string, Entry> _entries;

    private StatCache(Dictionary<string, Entry> entries)
    {
        _entries = entries;
    }

    /// <summary>The cache's file for a tree and a filter, under <paramref name="directory"/>.</summary>
    public static string PathFor(string directory, string root, string filter) =>
        Path.Combine(directory, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(root + "\0" + filter)))[..32] + ".stat");

    /// <summary>Reads a cache file; a missing or unreadable one is an empty cache.</summary>
    public static StatCache Load(string path)
    {
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            if (reader.ReadString() != Magic)
            {
                return new StatCache(entries);
            }

            var count = reader.ReadInt32();
            for (var i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                var entry = new Entry(reader.ReadInt64(), reader.ReadUInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadBytes(32));
                entries[name] = entry.Digest.Length == 32 ? entry : throw new EndOfStreamException();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // Missing, truncated or foreign: every file is hashed again and the cache rewritten.
            entries.Clear();
        }

        return new StatCache(entries);
    }

    /// <summary>How many files it holds.</summary>
    public int Count => _entries.Count;

    /// <summary>The digest recorded for a file, when its stat still matches.</summary>
    public byte[]? Find(string relativePath, FileStatus status) =>
        _entries.TryGetValue(relativePath, out var entry) && entry.Size == status.Size && entry.Inode == status.Inode &&
        entry.Modified == status.ModifiedNanoseconds && entry.Changed == status.ChangedNanoseconds
            ? entry.Digest
            : null;

    /// <summary>Writes the entries of one walk, replacing the file atomically.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Entry> entries)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        using (var writer = new BinaryWriter(File.Create(temporary), Encoding.UTF8))
        {
            writer.Write(Magic);
            writer.Write(entries.Count);
            foreach (var (name, entry) in entries)
            {
                writer.Write(name);
                writer.Write(entry.Size);
                writer.Write(entry.Inode);
                writer.Write(entry.Modified);
                writer.Write(entry.Changed);
                writer.Write(entry.Digest);
            }
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>One file's stat and digest.</summary>
    public readonly record struct Entry(long Size, ulong Inode, long Modified, long Changed, byte[] Digest)
    {
        /// <summary>An entry for a file just hashed.</summary>
        public static Entry Of(FileStatus status, byte[] digest) =>
            new(status.Size, status.Inode, status.ModifiedNanoseconds, status.ChangedNanoseconds, digest);
    }
}
