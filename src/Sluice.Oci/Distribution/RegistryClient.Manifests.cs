using System.Net;
using System.Net.Http.Headers;

namespace Sluice.Oci.Distribution;

public sealed partial class RegistryClient
{
    /// <summary>
    /// The descriptor of a manifest or index (<c>HEAD</c>), or null when the registry has no such tag
    /// or digest: the cheap check an idempotent publisher makes before pushing.
    /// </summary>
    public async Task<Descriptor?> HeadManifestAsync(OciReference reference, CancellationToken cancellationToken)
    {
        var context = RequestContext.Pull(reference.Repository, $"look up {reference}");
        using var response = await SendAsync(context, () => ManifestRequest(HttpMethod.Head, reference), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorAsync(context, response, cancellationToken);
        }

        var digest = reference.Digest ?? Digest.Parse(HeaderValue(response, "Docker-Content-Digest"), out _);
        if (digest is null || response.Content.Headers.ContentLength is not { } size || response.Content.Headers.ContentType?.MediaType is not { } mediaType)
        {
            // Registries need not send a digest on HEAD; the content tells it.
            return (await GetManifestAsync(reference, cancellationToken))?.Descriptor;
        }

        return new Descriptor { MediaType = mediaType, Digest = digest, Size = size };
    }

    /// <summary>
    /// Pulls a manifest or index with its exact bytes, or null when the registry has no such tag or
    /// digest. The bytes are checked against the reference's digest, or else against the digest the
    /// registry states.
    /// </summary>
    public async Task<OciContent?> GetManifestAsync(OciReference reference, CancellationToken cancellationToken)
    {
        var context = RequestContext.Pull(reference.Repository, $"pull {reference}");
        using var response = await SendAsync(context, () => ManifestRequest(HttpMethod.Get, reference), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorAsync(context, response, cancellationToken);
        }

        if (response.Content.Headers.ContentLength > _options.MaxManifestSize)
        {
            throw new RegistryException(new RegistryError
            {
                Registry = reference.Registry,
                Repository = reference.Repository.Name,
                Status = (int)response.StatusCode,
                Message = $"{reference.Registry}: pull {reference}: the manifest is {response.Content.Headers.ContentLength} bytes, more than the {_options.MaxManifestSize} accepted",
            });
        }

        var bytes = await ReadBoundedAsync(response.Content, _options.MaxManifestSize, cancellationToken);
        var stated = Digest.Parse(HeaderValue(response, "Docker-Content-Digest"), out _);
        var expected = reference.Digest ?? stated;
        var actual = Digest.Compute(expected?.Algorithm ?? Digest.Sha256Algorithm, bytes);
        if (expected is not null && expected != actual)
        {
            throw new RegistryException(new RegistryError
            {
                Registry = reference.Registry,
                Repository = reference.Repository.Name,
                Status = (int)response.StatusCode,
                Code = "DIGEST_INVALID",
                Message = $"{reference.Registry}: pull {reference}: the manifest's content has digest {actual}, not {expected}",
            });
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType is { } type && type != MediaTypes.OctetStream && type != "application/json"
            ? type
            : MediaTypeInside(bytes);
        return new OciContent(new Descriptor { MediaType = mediaType, Digest = actual, Size = bytes.Length }, bytes);
    }

    /// <summary>
    /// Pushes a manifest or index under the reference's tag, or by digest when the reference has a
    /// digest (then it must be the content's). Blobs and child manifests must be pushed first.
    /// </summary>
    public async Task<Descriptor> PushManifestAsync(OciReference reference, OciContent content, CancellationToken cancellationToken)
    {
        if (reference.Digest is { } digest && digest != content.Descriptor.Digest)
        {
            throw new ArgumentException($"the reference {reference} names a digest other than the content's {content.Descriptor.Digest}", nameof(reference));
        }

        var context = RequestContext.Push(reference.Repository, $"push manifest {reference}");
        using var response = await SendAsync(context, () =>
        {
            var request = ManifestRequest(HttpMethod.Put, reference);
            request.Content = new ReadOnlyMemoryContent(content.Bytes);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(content.Descriptor.MediaType);
            return request;
        }, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorAsync(context, response, cancellationToken);
        }

        if (Digest.Parse(HeaderValue(response, "Docker-Content-Digest"), out _) is { } stated && stated != content.Descriptor.Digest &&
            stated.Algorithm == content.Descriptor.Digest.Algorithm)
        {
            throw new RegistryException(new RegistryError
            {
                Registry = reference.Registry,
                Repository = reference.Repository.Name,
                Status = (int)response.StatusCode,
                Code = "DIGEST_INVALID",
                Message = $"{reference.Registry}: push manifest {reference}: the registry stored digest {stated}, not {content.Descriptor.Digest}",
            });
        }

        return content.Descriptor;
    }

    /// <summary>Pushes a manifest or index by its digest only (no tag), as a run does before its release step.</summary>
    public Task<Descriptor> PushManifestAsync(OciRepository repository, OciContent content, CancellationToken cancellationToken) =>
        PushManifestAsync(repository.WithDigest(content.Descriptor.Digest), content, cancellationToken);

    /// <summary>
    /// Points a tag at a manifest already in the repository, pushing its exact bytes under the tag.
    /// Returns false, sending nothing, when the tag already points there (up to date).
    /// </summary>
    public async Task<bool> TagAsync(OciRepository repository, Digest manifest, string tag, CancellationToken cancellationToken)
    {
        var target = repository.WithTag(tag);
        if (await HeadManifestAsync(target, cancellationToken) is { } current && current.Digest == manifest)
        {
            return false;
        }

        var content = await GetManifestAsync(repository.WithDigest(manifest), cancellationToken) ?? throw new RegistryException(new RegistryError
        {
            Registry = repository.Registry,
            Repository = repository.Name,
            Status = 404,
            Code = "MANIFEST_UNKNOWN",
            Message = $"{repository.Registry}: tag {target}: {repository}@{manifest} is not in the registry; push it by digest first",
        });
        await PushManifestAsync(target, content, cancellationToken);
        return true;
    }

    /// <summary>Deletes a manifest by digest; false when it was not there. Registries may refuse deletes.</summary>
    public async Task<bool> DeleteManifestAsync(OciRepository repository, Digest digest, CancellationToken cancellationToken)
    {
        var context = RequestContext.Delete(repository, $"delete {repository}@{digest}");
        using var response = await SendAsync(context, () => new HttpRequestMessage(HttpMethod.Delete, RepositoryUri(repository, $"manifests/{digest}")), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        return response.IsSuccessStatusCode ? true : throw await ErrorAsync(context, response, cancellationToken);
    }

    /// <summary>The tags of a repository, following the registry's pages; empty when the repository does not exist.</summary>
    public async Task<IReadOnlyList<string>> ListTagsAsync(OciRepository repository, CancellationToken cancellationToken)
    {
        const int MaxPages = 1000;
        var context = RequestContext.Pull(repository, $"list the tags of {repository}");
        var tags = new List<string>();
        var next = RepositoryUri(repository, "tags/list?n=1000");
        for (var page = 0; page < MaxPages && next is not null; page++)
        {
            var uri = next;
            using var response = await SendAsync(context, () => new HttpRequestMessage(HttpMethod.Get, uri), cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return tags;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw await ErrorAsync(context, response, cancellationToken);
            }

            var list = OciJson.Deserialize<TagList>(await ReadBoundedAsync(response.Content, _options.MaxManifestSize, cancellationToken), out var error)
                ?? throw new RegistryException(new RegistryError { Registry = repository.Registry, Repository = repository.Name, Message = $"{repository.Registry}: {context.Operation}: {error}" });
            tags.AddRange(list.Tags);
            next = NextPage(response, uri);
        }

        return tags;
    }

    private HttpRequestMessage ManifestRequest(HttpMethod method, OciReference reference)
    {
        var request = new HttpRequestMessage(method, RepositoryUri(reference.Repository, $"manifests/{reference.Identifier}"));
        foreach (var type in MediaTypes.Manifests)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        }

        return request;
    }

    private static string? HeaderValue(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() :
        response.Content.Headers.TryGetValues(name, out var contentValues) ? contentValues.FirstOrDefault() : null;

    private static Uri? NextPage(HttpResponseMessage response, Uri current)
    {
        var link = HeaderValue(response, "Link");
        if (link is null || !link.Contains("rel=\"next\"", StringComparison.Ordinal))
        {
            return null;
        }

        var start = link.IndexOf('<', StringComparison.Ordinal);
        var end = link.IndexOf('>', StringComparison.Ordinal);
        return start >= 0 && end > start ? new Uri(current, link[(start + 1)..end]) : null;
    }

    private static string MediaTypeInside(byte[] manifest)
    {
        var probe = OciJson.Deserialize<MediaTypeProbe>(manifest, out _);
        return probe?.MediaType ?? (probe?.Manifests is not null ? MediaTypes.ImageIndex : MediaTypes.ImageManifest);
    }

    private sealed record TagList
    {
        [System.Text.Json.Serialization.JsonPropertyName("tags")]
        public System.Collections.Immutable.ImmutableArray<string> Tags { get; init; } = [];
    }

    private sealed record MediaTypeProbe
    {
        [System.Text.Json.Serialization.JsonPropertyName("mediaType")]
        public string? MediaType { get; init; }

        [System.Text.Json.Serialization.JsonPropertyName("manifests")]
        public System.Text.Json.JsonElement? Manifests { get; init; }
    }
}
