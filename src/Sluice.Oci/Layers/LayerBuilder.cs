using System.Formats.Tar;
using System.IO.Compression;

namespace Sluice.Oci.Layers;

/// <summary>How a <see cref="LayerBuilder"/> writes entries: the fixed values that make layers reproducible.</summary>
public sealed record LayerOptions
{
    /// <summary>The modification time of every entry (such as SOURCE_DATE_EPOCH); the Unix epoch by default.</summary>
    public DateTimeOffset ModificationTime { get; init; } = DateTimeOffset.UnixEpoch;

    /// <summary>The owner of every entry.</summary>
    public int Uid { get; init; }

    /// <summary>The group of every entry.</summary>
    public int Gid { get; init; }

    /// <summary>Whether to gzip the tar (the usual layer media type) or leave it plain.</summary>
    public bool Compress { get; init; } = true;

    /// <summary>The gzip level; part of what fixes the digest.</summary>
    public CompressionLevel CompressionLevel { get; init; } = CompressionLevel.Optimal;
}

/// <summary>A written layer: its descriptor (compressed), its diff ID (the tar's digest) and the tar's size.</summary>
public sealed record Layer(Descriptor Descriptor, Digest DiffId, long UncompressedSize);

/// <summary>
/// Builds an OCI layer (tar, gzipped by default) that depends only on its entries' paths, kinds,
/// contents and executable bits: entries sorted by path, parents added before children, fixed times,
/// owner 0:0 without names, modes 0644/0755 (0777 for symlinks), gzip without a name or time. The same
/// files at other paths or times give the same digest (with the same .NET zlib). Contents are streamed
/// from disk when written, never held whole.
/// </summary>
public sealed class LayerBuilder
{
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode ExecutableMode = FileMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
    private const UnixFileMode LinkMode = (UnixFileMode)0x1FF;

    private readonly SortedDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Makes an empty builder.</summary>
    public LayerBuilder(LayerOptions? options = null) => Options = options ?? new LayerOptions();

    /// <summary>The fixed values entries are written with.</summary>
    public LayerOptions Options { get; }

    /// <summary>How many entries the layer will have, parents included.</summary>
    public int Count => _entries.Count;

    /// <summary>
    /// Adds a directory's tree under <paramref name="target"/> (such as <c>/app</c>): files, directories
    /// and symlinks (kept as links, never followed). A later entry for the same path replaces an earlier one.
    /// </summary>
    public LayerBuilder AddDirectory(string source, string target = "/") => AddDirectory(source, target, _ => true);

    /// <summary>
    /// Adds the entries of a directory's tree that <paramref name="include"/> takes, given each path
    /// relative to the directory ('/'-separated); a directory left out is still added as the parent of
    /// an entry taken below it, and its children are offered either way.
    /// </summary>
    public LayerBuilder AddDirectory(string source, string target, Func<string, bool> include)
    {
        ArgumentNullException.ThrowIfNull(include);
        var root = NormalizePath(target);
        if (root.Length > 0)
        {
            AddEntry(root, new Entry(TarEntryType.Directory, ExecutableMode, null, null, null));
        }

        AddTree(new DirectoryInfo(source), root, "", include);
        return this;
    }

    /// <summary>Adds one file from disk; its mode is 0755 when the source is executable, else 0644, unless given.</summary>
    public LayerBuilder AddFile(string source, string target, UnixFileMode? mode = null)
    {
        AddEntry(NormalizePath(target), new Entry(TarEntryType.RegularFile, mode ?? ModeOf(new FileInfo(source)), source, null, null));
        return this;
    }

    /// <summary>Adds a file with the given content.</summary>
    public LayerBuilder AddContent(string target, ReadOnlyMemory<byte> content, UnixFileMode mode = FileMode)
    {
        AddEntry(NormalizePath(target), new Entry(TarEntryType.RegularFile, mode, null, content, null));
        return this;
    }

    /// <summary>Adds an empty directory.</summary>
    public LayerBuilder AddEmptyDirectory(string target, UnixFileMode mode = ExecutableMode)
    {
        AddEntry(NormalizePath(target), new Entry(TarEntryType.Directory, mode, null, null, null));
        return this;
    }

    /// <summary>Adds a symbolic link to <paramref name="linkTarget"/>, which is kept as written.</summary>
    public LayerBuilder AddSymlink(string target, string linkTarget)
    {
        AddEntry(NormalizePath(target), new Entry(TarEntryType.SymbolicLink, LinkMode, null, null, linkTarget));
        return this;
    }

    /// <summary>
    /// Adds a whiteout: the file or directory at <paramref name="target"/> in the layers below is
    /// deleted (an empty <c>.wh.NAME</c> file, as the image-spec's layer.md defines).
    /// </summary>
    public LayerBuilder AddWhiteout(string target)
    {
        var path = NormalizePath(target);
        var slash = path.LastIndexOf('/');
        AddEntry(slash < 0 ? ".wh." + path : $"{path[..slash]}/.wh.{path[(slash + 1)..]}", new Entry(TarEntryType.RegularFile, FileMode, null, ReadOnlyMemory<byte>.Empty, null));
        return this;
    }

    /// <summary>
    /// Writes the layer to <paramref name="destination"/> (left open) and returns its descriptor, diff
    /// ID and uncompressed size, computed while writing.
    /// </summary>
    public async Task<Layer> WriteAsync(Stream destination, CancellationToken cancellationToken)
    {
        await using var compressed = new HashingWriteStream(destination);
        var gzip = Options.Compress ? new GZipStream(compressed, Options.CompressionLevel, leaveOpen: true) : null;
        Digest diffId;
        long uncompressedSize;
        await using (gzip)
        {
            await using var tarBytes = new HashingWriteStream(gzip ?? (Stream)compressed);
            await WriteEntriesAsync(tarBytes, cancellationToken);

            await tarBytes.FlushAsync(cancellationToken);
            diffId = tarBytes.Digest();
            uncompressedSize = tarBytes.Written;
        }

        await destination.FlushAsync(cancellationToken);
        var descriptor = Options.Compress
            ? new Descriptor { MediaType = MediaTypes.LayerGzip, Digest = compressed.Digest(), Size = compressed.Written }
            : new Descriptor { MediaType = MediaTypes.Layer, Digest = diffId, Size = uncompressedSize };
        return new Layer(descriptor, diffId, uncompressedSize);
    }

    /// <summary>
    /// The diff ID and size of the layer's tar without writing it anywhere: what <see cref="WriteAsync"/>
    /// would give as <see cref="Layer.DiffId"/>, at the cost of reading the files once, uncompressed.
    /// </summary>
    public async Task<(Digest DiffId, long Size)> DigestAsync(CancellationToken cancellationToken)
    {
        await using var tarBytes = new HashingWriteStream(Stream.Null);
        await WriteEntriesAsync(tarBytes, cancellationToken);
        return (tarBytes.Digest(), tarBytes.Written);
    }

    /// <summary>The size of the blocks <see cref="CompressAsync"/> feeds the compressor.</summary>
    private const int CompressionBlock = 1 << 16;

    /// <summary>
    /// Compresses a layer that is already a tar archive (such as one of <c>docker save</c>) to
    /// <paramref name="destination"/> (left open), computing its diff ID and descriptor in the same
    /// pass. The same tar gives the same descriptor at the same compression level.
    /// </summary>
    public static async Task<Layer> CompressAsync(Stream tar, Stream destination, CompressionLevel level, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tar);
        ArgumentNullException.ThrowIfNull(destination);
        await using var compressed = new HashingWriteStream(destination);
        Digest diffId;
        long uncompressedSize;
        await using (var gzip = new GZipStream(compressed, level, leaveOpen: true))
        {
            await using var tarBytes = new HashingWriteStream(gzip);

            // The compressor's output depends on how its input is split, and a network stream's reads
            // split it differently each time: feeding it whole buffers keeps the digest the same.
            var buffer = new byte[CompressionBlock];
            int read;
            while ((read = await tar.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken)) > 0)
            {
                await tarBytes.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            await tarBytes.FlushAsync(cancellationToken);
            diffId = tarBytes.Digest();
            uncompressedSize = tarBytes.Written;
        }

        await destination.FlushAsync(cancellationToken);
        return new Layer(new Descriptor { MediaType = MediaTypes.LayerGzip, Digest = compressed.Digest(), Size = compressed.Written }, diffId, uncompressedSize);
    }

    private async Task WriteEntriesAsync(Stream tarBytes, CancellationToken cancellationToken)
    {
        await using var tar = new TarWriter(tarBytes, TarEntryFormat.Ustar, leaveOpen: true);
        foreach (var (path, entry) in _entries)
        {
            await WriteEntryAsync(tar, path, entry, cancellationToken);
        }
    }

    private async Task WriteEntryAsync(TarWriter tar, string path, Entry entry, CancellationToken cancellationToken)
    {
        var name = entry.Type == TarEntryType.Directory ? path + "/" : path;
        TarEntry tarEntry = System.Text.Encoding.UTF8.GetByteCount(name) <= 100
            ? new UstarTarEntry(entry.Type, name)
            : new GnuTarEntry(entry.Type, name) { AccessTime = Options.ModificationTime, ChangeTime = Options.ModificationTime };
        tarEntry.ModificationTime = Options.ModificationTime;
        tarEntry.Mode = entry.Mode;
        tarEntry.Uid = Options.Uid;
        tarEntry.Gid = Options.Gid;
        if (tarEntry is PosixTarEntry posix)
        {
            posix.UserName = "";
            posix.GroupName = "";
        }

        if (entry.LinkTarget is not null)
        {
            tarEntry.LinkName = entry.LinkTarget;
        }

        if (entry.Source is not null)
        {
            await using var file = new FileStream(entry.Source, System.IO.FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
            tarEntry.DataStream = file;
            await tar.WriteEntryAsync(tarEntry, cancellationToken);
        }
        else if (entry.Content is { } content)
        {
            await using var data = new MemoryStream(content.ToArray(), writable: false);
            tarEntry.DataStream = data;
            await tar.WriteEntryAsync(tarEntry, cancellationToken);
        }
        else
        {
            await tar.WriteEntryAsync(tarEntry, cancellationToken);
        }
    }

    private void AddTree(DirectoryInfo directory, string prefix, string relative, Func<string, bool> include)
    {
        foreach (var item in directory.EnumerateFileSystemInfos())
        {
            var path = prefix.Length == 0 ? item.Name : $"{prefix}/{item.Name}";
            var itemRelative = relative.Length == 0 ? item.Name : $"{relative}/{item.Name}";
            var taken = include(itemRelative);
            if (item.LinkTarget is { } link)
            {
                if (taken)
                {
                    AddEntry(path, new Entry(TarEntryType.SymbolicLink, LinkMode, null, null, link));
                }
            }
            else if (item is DirectoryInfo child)
            {
                if (taken)
                {
                    AddEntry(path, new Entry(TarEntryType.Directory, ExecutableMode, null, null, null));
                }

                AddTree(child, path, itemRelative, include);
            }
            else if (taken)
            {
                AddEntry(path, new Entry(TarEntryType.RegularFile, ModeOf((FileInfo)item), item.FullName, null, null));
            }
        }
    }

    private void AddEntry(string path, Entry entry)
    {
        if (path.Length == 0)
        {
            throw new ArgumentException("a layer entry needs a path below the root", nameof(path));
        }

        for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            var parent = path[..slash];
            if (!_entries.TryGetValue(parent, out var existing) || existing.Type != TarEntryType.Directory)
            {
                _entries[parent] = new Entry(TarEntryType.Directory, ExecutableMode, null, null, null);
            }
        }

        _entries[path] = entry;
    }

    private static UnixFileMode ModeOf(FileInfo file) =>
        OperatingSystem.IsWindows() || (file.UnixFileMode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) == 0
            ? FileMode
            : ExecutableMode;

    /// <summary>A path inside the layer without leading <c>/</c> or <c>./</c> and without <c>.</c> or empty components.</summary>
    private static string NormalizePath(string path)
    {
        var parts = path.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToList();
        if (parts.Contains(".."))
        {
            throw new ArgumentException($"layer path '{path}' may not contain '..'", nameof(path));
        }

        return string.Join('/', parts);
    }

    private sealed record Entry(TarEntryType Type, UnixFileMode Mode, string? Source, ReadOnlyMemory<byte>? Content, string? LinkTarget);
}
