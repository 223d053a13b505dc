using System.IO.Compression;

namespace Sluice.Oci.Building;

/// <summary>
/// What compressing a layer gave before: for the tar with a diff ID, at a compression level, the
/// compressed blob's descriptor. A builder that finds it, and a registry that has that blob, skips the
/// compression and the upload; the registry's answer, never the memo alone, decides that the blob is there.
/// </summary>
public interface ILayerMemo
{
    /// <summary>The compressed blob the tar with this diff ID gave at this level; null when unknown.</summary>
    Task<Descriptor?> RecallAsync(Digest diffId, CompressionLevel level, CancellationToken cancellationToken);

    /// <summary>Remembers the compressed blob a tar gave.</summary>
    Task RememberAsync(Digest diffId, CompressionLevel level, Descriptor compressed, CancellationToken cancellationToken);
}

/// <summary>
/// An <see cref="ILayerMemo"/> of small files in a directory, one a tar, named by the diff ID, the level
/// and the .NET runtime's version (whose zlib fixes the compressed bytes); written whole or not at all.
/// </summary>
public sealed class DirectoryLayerMemo(string directory) : ILayerMemo
{
    /// <inheritdoc />
    public async Task<Descriptor?> RecallAsync(Digest diffId, CompressionLevel level, CancellationToken cancellationToken)
    {
        string[] lines;
        try
        {
            lines = await File.ReadAllLinesAsync(PathOf(diffId, level), cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        return lines is [var digest, var size, var mediaType] && Digest.Parse(digest, out _) is { } parsed && long.TryParse(size, out var bytes) && bytes >= 0
            ? new Descriptor { MediaType = mediaType, Digest = parsed, Size = bytes }
            : null;
    }

    /// <inheritdoc />
    public async Task RememberAsync(Digest diffId, CompressionLevel level, Descriptor compressed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        var path = PathOf(diffId, level);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllTextAsync(temporary, $"{compressed.Digest}\n{compressed.Size}\n{compressed.MediaType}\n", cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    private string PathOf(Digest diffId, CompressionLevel level) =>
        Path.Combine(directory, $"{level}-{Environment.Version}".ToLowerInvariant(), $"{diffId.Algorithm}-{diffId.Encoded}");
}
