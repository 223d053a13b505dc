using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Sluice.Oci.Distribution;

public sealed partial class RegistryClient
{
    /// <summary>The most memory one chunk may take, whatever a registry asks for.</summary>
    private const int MaxChunkSize = 256 * 1024 * 1024;

    /// <summary>
    /// Opens an upload session (<c>POST .../blobs/uploads/</c>); true without a session when the registry
    /// mounted instead. The chunk size is the configured one, raised to the registry's
    /// <c>OCI-Chunk-Min-Length</c> when it asks for more.
    /// </summary>
    private async Task<(bool Mounted, Uri Location, int ChunkSize)> StartUploadAsync(RequestContext context, OciRepository repository, string query, CancellationToken cancellationToken)
    {
        var uri = RepositoryUri(repository, "blobs/uploads/" + query);
        using var response = await SendAsync(context, () => new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent([]) }, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Created && query.Length > 0)
        {
            return (true, uri, 0);
        }

        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw await ErrorAsync(context, response, cancellationToken);
        }

        var minimum = response.Headers.TryGetValues("OCI-Chunk-Min-Length", out var values) && int.TryParse(values.FirstOrDefault(), out var length) ? length : 0;
        return (false, Location(context, response, uri), Math.Max(_options.ChunkSize, Math.Min(minimum, MaxChunkSize)));
    }

    /// <summary>Sends the whole blob in one <c>PUT</c>; the stream is rewound for each attempt.</summary>
    private async Task PutMonolithicAsync(RequestContext context, Uri location, Descriptor blob, Stream content, CancellationToken cancellationToken)
    {
        var start = content.Position;
        var uri = WithDigest(location, blob.Digest);
        using var response = await SendAsync(context, () =>
        {
            content.Position = start;
            var request = new HttpRequestMessage(HttpMethod.Put, uri) { Content = new BlobContent(content, blob.Size) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.OctetStream);
            return request;
        }, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw await ErrorAsync(context, response, cancellationToken);
        }
    }

    /// <summary>
    /// Sends the stream in <c>PATCH</c> chunks (each held in memory once, so it can be resent) and closes
    /// the session with <c>PUT ?digest=</c>; returns the digest and size it computed on the way.
    /// </summary>
    private async Task<(Digest Digest, long Size)> UploadChunksAsync(RequestContext context, Uri location, int chunkSize, Stream content, Digest? expected, CancellationToken cancellationToken)
    {
        using var hash = expected?.CreateHash() ?? IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(chunkSize, 1));
        long offset = 0;
        try
        {
            while (true)
            {
                var filled = 0;
                int read;
                while (filled < chunkSize && (read = await content.ReadAsync(buffer.AsMemory(filled, chunkSize - filled), cancellationToken)) > 0)
                {
                    filled += read;
                }

                if (filled == 0)
                {
                    break;
                }

                hash.AppendData(buffer, 0, filled);
                var chunkStart = offset;
                var chunk = new ReadOnlyMemory<byte>(buffer, 0, filled);
                var target = location;
                using var response = await SendAsync(context, () =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Patch, target) { Content = new ReadOnlyMemoryContent(chunk) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.OctetStream);
                    request.Content.Headers.TryAddWithoutValidation("Content-Range", $"{chunkStart}-{chunkStart + filled - 1}");
                    return request;
                }, cancellationToken);
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    throw await ErrorAsync(context, response, cancellationToken);
                }

                location = Location(context, response, location);
                offset += filled;
                if (filled < chunkSize)
                {
                    break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var digest = expected is null ? Digest.FromHash(hash) : Digest.Parse($"{expected.Algorithm}:{Convert.ToHexStringLower(hash.GetHashAndReset())}");
        var close = WithDigest(location, digest);
        using (var response = await SendAsync(context, () => new HttpRequestMessage(HttpMethod.Put, close) { Content = new ByteArrayContent([]) }, cancellationToken))
        {
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw await ErrorAsync(context, response, cancellationToken);
            }
        }

        return (digest, offset);
    }

    private static Uri Location(RequestContext context, HttpResponseMessage response, Uri requested) =>
        response.Headers.Location is { } location
            ? new Uri(requested, location)
            : throw new RegistryException(new RegistryError
            {
                Registry = context.Registry,
                Repository = context.Repository,
                Status = (int)response.StatusCode,
                Code = "BLOB_UPLOAD_INVALID",
                Message = $"{context.Registry}: {context.Operation}: the registry answered {(int)response.StatusCode} without the upload's Location",
            });

    private static Uri WithDigest(Uri location, Digest digest)
    {
        var builder = new UriBuilder(location);
        var query = builder.Query.TrimStart('?');
        builder.Query = (query.Length > 0 ? query + "&" : "") + "digest=" + Uri.EscapeDataString(digest.ToString());
        return builder.Uri;
    }

    /// <summary>Streams a caller's stream as a request body without disposing it, so it can be sent again.</summary>
    private sealed class BlobContent : HttpContent
    {
        private readonly Stream _content;
        private readonly long _length;

        public BlobContent(Stream content, long length)
        {
            _content = content;
            _length = length;
            Headers.ContentLength = length;
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(81920);
            try
            {
                long sent = 0;
                while (sent < _length)
                {
                    var read = await _content.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, _length - sent)), cancellationToken);
                    if (read == 0)
                    {
                        throw new InvalidDataException($"the content ended after {sent} of the {_length} bytes its descriptor gives");
                    }

                    await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    sent += read;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _length;
            return true;
        }
    }
}
