using System.Collections.Immutable;
using System.Net;
using System.Text;
using Sluice.Oci.Distribution;

namespace Sluice.Oci.Tests;

/// <summary>The client's auth, retry and error paths against scripted HTTP answers (no network).</summary>
public sealed class RegistryClientTests
{
    private static readonly byte[] Manifest = OciJson.Serialize(new ImageManifest { Config = Descriptor.Empty, Layers = [] });

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_bearer_challenge_is_answered_with_a_token_for_the_requests_scope_which_is_then_reused()
    {
        var handler = new ScriptedHandler(request => request switch
        {
            { RequestUri.Host: "auth.test" } => Json("""{"token":"t0k","expires_in":300}"""),
            _ when request.Headers.Authorization?.ToString() == "Bearer t0k" => ManifestResponse(),
            _ => Challenge("""Bearer realm="https://auth.test/token",service="registry.test",scope="repository:team/app:pull" """),
        });
        using var client = Client(handler, RegistryCredential.FromPassword("alice", "hunter2"));

        var first = await client.GetManifestAsync(OciReference.Parse("registry.test/team/app:1.0"), Cancel);
        var second = await client.HeadManifestAsync(OciReference.Parse("registry.test/team/app:1.0"), Cancel);

        Assert.Equal(Digest.Sha256(Manifest), first!.Descriptor.Digest);
        Assert.Equal(first.Descriptor, second);
        var token = Assert.Single(handler.Requests, r => r.Uri.Host == "auth.test");
        Assert.Equal("https://auth.test/token?service=registry.test&scope=repository%3Ateam%2Fapp%3Apull&account=alice", token.Uri.ToString());
        Assert.Equal("Basic " + Convert.ToBase64String("alice:hunter2"u8), token.Authorization);
        Assert.Equal(4, handler.Requests.Count);
    }

    [Fact]
    public async Task A_refused_password_at_the_token_service_names_registry_and_user_but_never_the_password()
    {
        var handler = new ScriptedHandler(request => request.RequestUri!.Host == "auth.test"
            ? new HttpResponseMessage(HttpStatusCode.Unauthorized)
            : Challenge("""Bearer realm="https://auth.test/token",service="registry.test" """));
        using var client = Client(handler, RegistryCredential.FromPassword("alice", "hunter2"));

        var refused = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(OciReference.Parse("registry.test/team/app:1.0"), Cancel));

        Assert.StartsWith("registry.test: pull registry.test/team/app:1.0: the token service https://auth.test/token refused the credentials of user 'alice'", refused.Message, StringComparison.Ordinal);
        Assert.Equal(("registry.test", "team/app", "UNAUTHORIZED"), (refused.Error.Registry, refused.Error.Repository, refused.Error.Code));
        Assert.DoesNotContain("hunter2", refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_basic_challenge_is_answered_once_and_a_second_refusal_is_a_clear_error()
    {
        var handler = new ScriptedHandler(_ => Challenge("""Basic realm="registry" """, """{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"""));
        using var client = Client(handler, RegistryCredential.FromPassword("alice", "hunter2"));

        var refused = await Assert.ThrowsAsync<RegistryException>(() => client.HeadBlobAsync(new OciRepository("registry.test", "app"), Digest.Sha256([]), Cancel));

        Assert.Equal(2, handler.Requests.Count);
        Assert.Null(handler.Requests[0].Authorization);
        Assert.StartsWith("Basic ", handler.Requests[1].Authorization, StringComparison.Ordinal);
        Assert.Contains("registry.test refused the credentials of user 'alice'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("UNAUTHORIZED: authentication required", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_credentials_a_challenge_says_where_to_configure_them()
    {
        var handler = new ScriptedHandler(_ => Challenge("""Basic realm="registry" """));
        using var client = Client(handler, null);

        var refused = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(OciReference.Parse("registry.test/app:1"), Cancel));

        Assert.Single(handler.Requests);
        Assert.Contains("registry.test needs credentials and none are configured for it: docker login registry.test", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unavailable_answers_are_retried_a_bounded_number_of_times()
    {
        var answers = 0;
        var flaky = new ScriptedHandler(_ => ++answers < 3 ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) : ManifestResponse());
        var down = new ScriptedHandler(_ => new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new(TimeSpan.FromHours(1)) } });
        using var recovering = Client(flaky, null);
        using var failing = Client(down, null);

        Assert.NotNull(await recovering.GetManifestAsync(OciReference.Parse("registry.test/app:1"), Cancel));
        var refused = await Assert.ThrowsAsync<RegistryException>(() => failing.GetManifestAsync(OciReference.Parse("registry.test/app:1"), Cancel));

        Assert.Equal(3, flaky.Requests.Count);
        Assert.Equal(4, down.Requests.Count);
        Assert.Equal(429, refused.Error.Status);
        Assert.Contains("still refused after 4 attempts", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manifest_whose_bytes_do_not_match_the_stated_digest_is_refused()
    {
        var handler = new ScriptedHandler(_ => ManifestResponse(Digest.Sha256("other"u8)));
        using var client = Client(handler, null);

        var refused = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(OciReference.Parse("registry.test/app:1"), Cancel));

        Assert.Equal("DIGEST_INVALID", refused.Error.Code);
    }

    [Fact]
    public async Task A_missing_manifest_is_null_and_a_missing_tag_list_is_empty()
    {
        var handler = new ScriptedHandler(_ => new HttpResponseMessage(HttpStatusCode.NotFound));
        using var client = Client(handler, null);

        Assert.Null(await client.GetManifestAsync(OciReference.Parse("registry.test/app:1"), Cancel));
        Assert.Null(await client.HeadManifestAsync(OciReference.Parse("registry.test/app:1"), Cancel));
        Assert.Empty(await client.ListTagsAsync(new OciRepository("registry.test", "app"), Cancel));
    }

    [Fact]
    public async Task Chunks_are_at_least_as_large_as_the_registry_asks()
    {
        var chunks = new List<(string? Range, long? Length)>();
        var handler = new ScriptedHandler(request =>
        {
            if (request.Method == HttpMethod.Patch)
            {
                chunks.Add((request.Content!.Headers.GetValues("Content-Range").Single(), request.Content.Headers.ContentLength));
            }

            var response = new HttpResponseMessage(request.Method == HttpMethod.Put ? HttpStatusCode.Created : HttpStatusCode.Accepted);
            response.Headers.Location = new Uri("/v2/app/blobs/uploads/session?_state=x", UriKind.Relative);
            response.Headers.TryAddWithoutValidation("OCI-Chunk-Min-Length", "100");
            return response;
        });
        using var client = new RegistryClient(new RegistryClientOptions { ChunkSize = 10 }, handler);
        var content = new byte[250];

        var blob = await client.PushBlobAsync(new OciRepository("registry.test", "app"), new MemoryStream(content), MediaTypes.OctetStream, Cancel);

        Assert.Equal(Descriptor.FromContent(MediaTypes.OctetStream, content), blob);
        Assert.Equal([("0-99", 100L), ("100-199", 100L), ("200-249", 50L)], chunks.Select(c => (c.Range, c.Length)));
        Assert.Equal($"https://registry.test/v2/app/blobs/uploads/session?_state=x&digest={Uri.EscapeDataString(blob.Digest.ToString())}", handler.Requests[^1].Uri.ToString());
    }

    [Theory]
    [InlineData("localhost:5000", true)]
    [InlineData("127.0.0.1:5000", true)]
    [InlineData("127.1.2.3", true)]
    [InlineData("[::1]:5000", true)]
    [InlineData("registry.localhost", true)]
    [InlineData("registry.internal:5000", true)]
    [InlineData("ghcr.io", false)]
    [InlineData("10.0.0.1:5000", false)]
    public void Loopback_and_listed_registries_use_plain_http(string registry, bool plain)
    {
        using var client = new RegistryClient(new RegistryClientOptions { InsecureRegistries = ImmutableHashSet.Create("registry.internal:5000") });

        Assert.Equal(plain, client.UsesPlainHttp(registry));
        Assert.Equal(plain ? "http" : "https", client.BaseUri(registry, "").Scheme);
    }

    private static RegistryClient Client(ScriptedHandler handler, RegistryCredential? credential) => new(
        new RegistryClientOptions
        {
            Credentials = credential is null ? null : new StaticCredentials(new Dictionary<string, RegistryCredential> { ["registry.test"] = credential }),
            RetryDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryDelay = TimeSpan.FromMilliseconds(5),
        },
        handler);

    private static HttpResponseMessage ManifestResponse(Digest? stated = null)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Manifest) };
        response.Content.Headers.ContentType = new(MediaTypes.ImageManifest);
        response.Headers.TryAddWithoutValidation("Docker-Content-Digest", (stated ?? Digest.Sha256(Manifest)).ToString());
        return response;
    }

    private static HttpResponseMessage Json(string json) =>
        new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private static HttpResponseMessage Challenge(string header, string body = "")
    {
        var response = new HttpResponseMessage(HttpStatusCode.Unauthorized) { Content = new StringContent(body) };
        response.Headers.TryAddWithoutValidation("WWW-Authenticate", header);
        return response;
    }

    private sealed class ScriptedHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<(HttpMethod Method, Uri Uri, string? Authorization)> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Requests)
            {
                Requests.Add((request.Method, request.RequestUri!, request.Headers.Authorization?.ToString()));
            }

            var response = answer(request);
            response.RequestMessage = request;
            return Task.FromResult(response);
        }
    }
}
