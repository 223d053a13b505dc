using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sluice.Oci.Layout;

/// <summary>
/// An OCI image layout on disk (image-spec <c>image-layout.md</c>): the <c>oci-layout</c> file,
/// <c>index.json</c> naming manifests through <c>org.opencontainers.image.ref.name</c>, and
/// <c>blobs/&lt;algorithm&gt;/&lt;hex&gt;</c>. Blobs are written to a temporary file, checked and
/// renamed into place, so readers never see a partial blob and processes may share the directory;
/// <c>index.json</c> changes are serialized by a lock file and replaced atomically.
/// </summary>
public sealed partial class OciLayout : IBlobStore
{
    /// <summary>The layout version written and accepted (1.x).</summary>
    public const string LayoutVersion = "1.0.0";

    private const string LayoutFile = "oci-layout";
    private const string IndexFile = "index.json";
    private const string BlobsDirectory = "blobs";

    private readonly TimeProvider _time;

    private OciLayout(string root, TimeProvider time)
    {
        Root = root;
        _time = time;
    }

    /// <summary>The layout's directory.</summary>
    public string Root { get; }

    /// <summary>
    /// Opens the layout in a directory, creating the directory, <c>oci-layout</c> and an empty
    /// <c>index.json</c> when missing. Returns null with a message naming the file when the directory
    /// holds something that is not a layout Sluice can use.
    /// </summary>
    public static OciLayout? Open(string directory, out string? error, TimeProvider? time = null)
    {
        error = null;
        var root = Path.GetFullPath(directory);
        var layoutPath = Path.Combine(root, LayoutFile);
        try
        {
            Directory.CreateDirectory(Path.Combine(root, BlobsDirectory, Digest.Sha256Algorithm));
            if (File.Exists(layoutPath))
            {
                var header = OciJson.Deserialize<LayoutHeader>(File.ReadAllBytes(layoutPath), out var headerError);
                if (header is null || !header.ImageLayoutVersion.StartsWith("1.", StringComparison.Ordinal))
                {
                    error = $"{layoutPath}: {(header is null ? headerError : $"image layout version '{header.ImageLayoutVersion}' is not supported (expected 1.x)")}";
                    return null;
                }
            }
            else
            {
                WriteAtomically(layoutPath, OciJson.Serialize(new LayoutHeader { ImageLayoutVersion = LayoutVersion }));
            }

            var indexPath = Path.Combine(root, IndexFile);
            if (!File.Exists(indexPath))
            {
                WriteAtomically(indexPath, OciJson.Serialize(new ImageIndex { Manifests = [] }));
            }
            else if (OciJson.Deserialize<ImageIndex>(File.ReadAllBytes(indexPath), out var indexError) is null)
            {
                error = $"{indexPath}: {indexError}";
                return null;
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            error = $"{root}: cannot open the OCI layout: {exception.Message}";
            return null;
        }

        return new OciLayout(root, time ?? TimeProvider.System);
    }

    /// <summary>Opens a layout that must be usable.</summary>
    /// <exception cref="IOException">The directory is not a usable layout.</exception>
    public static OciLayout Open(string directory) => Open(directory, out var error) ?? throw new IOException(error);

    /// <summary>Where a blob lives: <c>blobs/&lt;algorithm&gt;/&lt;hex&gt;</c>.</summary>
    public string BlobPath(Digest digest) => Path.Combine(Root, BlobsDirectory, digest.Algorithm, digest.Encoded);

    /// <summary>The layout's <c>index.json</c>.</summary>
    public async Task<ImageIndex> ReadIndexAsync(CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(Root, IndexFile), cancellationToken);
        return OciJson.Deserialize<ImageIndex>(bytes, out var error) ?? throw new InvalidDataException($"{Path.Combine(Root, IndexFile)}: {error}");
    }

    /// <summary>The descriptor <c>index.json</c> gives a name, or null.</summary>
    public async Task<Descriptor?> ResolveAsync(string name, CancellationToken cancellationToken) =>
        (await ReadIndexAsync(cancellationToken)).Manifests.LastOrDefault(m => m.Annotation(Annotations.RefName) == name);

    /// <summary>
    /// Adds a descriptor (of a manifest or index already stored) to <c>index.json</c>, named by
    /// <paramref name="name"/> when given, which is then taken from any other entry. An entry with the
    /// same digest and name is not added twice.
    /// </summary>
    public Task AddToIndexAsync(Descriptor manifest, string? name, CancellationToken cancellationToken) =>
        UpdateIndexAsync(index =>
        {
            var entry = name is null ? manifest : manifest.WithAnnotation(Annotations.RefName, name);
            var kept = index.Manifests.Where(m =>
                !(name is not null && m.Annotation(Annotations.RefName) == name) &&
                !(m.Digest == entry.Digest && m.Annotation(Annotations.RefName) == entry.Annotation(Annotations.RefName)));
            return index with { Manifests = [.. kept, entry] };
        }, cancellationToken);

    /// <summary>Removes the entries of <c>index.json</c> with a name or digest; true when one was there.</summary>
    public async Task<bool> RemoveFromIndexAsync(string nameOrDigest, CancellationToken cancellationToken)
    {
        var removed = false;
        await UpdateIndexAsync(index =>
        {
            var kept = index.Manifests.Where(m => m.Annotation(Annotations.RefName) != nameOrDigest && m.Digest.ToString() != nameOrDigest).ToList();
            removed = kept.Count != index.Manifests.Length;
            return index with { Manifests = [.. kept] };
        }, cancellationToken);
        return removed;
    }

    private sealed record LayoutHeader
    {
        [JsonPropertyName("imageLayoutVersion")]
        public required string ImageLayoutVersion { get; init; }
    }

    private async Task UpdateIndexAsync(Func<ImageIndex, ImageIndex> change, CancellationToken cancellationToken)
    {
        await using var held = await LockIndexAsync(cancellationToken);
        var index = await ReadIndexAsync(cancellationToken);
        WriteAtomically(Path.Combine(Root, IndexFile), JsonSerializer.SerializeToUtf8Bytes(change(index), OciJson.Options));
    }

    /// <summary>Takes the lock on <c>index.json</c>, waiting a bounded time for another writer.</summary>
    private async Task<FileStream> LockIndexAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(Root, ".index.json.lock");
        var deadline = _time.GetUtcNow() + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (_time.GetUtcNow() < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), _time, cancellationToken);
            }
        }
    }

    private static void WriteAtomically(string path, byte[] content)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }
}
