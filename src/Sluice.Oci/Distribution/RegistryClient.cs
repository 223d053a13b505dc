using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

namespace Sluice.Oci.Distribution;

/// <summary>
/// A client of the OCI distribution API (<c>/v2/</c>): manifests and indexes by tag or digest, blobs
/// streamed both ways with digest checks, chunked and monolithic uploads, cross-repository mounts,
/// tags, deletes. It answers Basic and Bearer challenges with credentials from
/// <see cref="RegistryClientOptions.Credentials"/>, speaks plain HTTP to loopback and configured
/// registries, and retries 429, 5xx and failed connections a bounded number of times.
/// </summary>
/// <remarks>
/// Registries' refusals throw <see cref="RegistryException"/>, whose <see cref="RegistryException.Error"/>
/// names the registry, repository, status and code. Absent content is a value: null or false.
/// Requests carry no timeout of their own, since blobs may be large; pass a token that is cancelled at
/// the caller's deadline.
/// </remarks>
public sealed partial class RegistryClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly RegistryClientOptions _options;
    private readonly RegistryAuthenticator _authenticator;

    /// <summary>Makes a client with its own connection pool.</summary>
    public RegistryClient(RegistryClientOptions? options = null)
        : this(options ?? new RegistryClientOptions(), new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
        })
    {
    }

    /// <summary>Makes a client over a message handler (which it disposes), such as one that records requests in tests.</summary>
    public RegistryClient(RegistryClientOptions options, HttpMessageHandler handler)
    {
        _options = options;
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(options.UserAgent);
        _authenticator = new RegistryAuthenticator(this, options.Credentials, options.TimeProvider);
    }

    /// <summary>The options the client was made with.</summary>
    public RegistryClientOptions Options => _options;

    /// <summary>Whether a registry is spoken to over plain HTTP: loopback hosts and <see cref="RegistryClientOptions.InsecureRegistries"/>.</summary>
    public bool UsesPlainHttp(string registry)
    {
        if (_options.InsecureRegistries.Contains(registry))
        {
            return true;
        }

        var host = Uri.TryCreate($"http://{registry}", UriKind.Absolute, out var uri) ? uri.Host : registry;
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ||
            host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase) ||
            (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }

    /// <summary>
    /// Checks that the registry answers the API and accepts the configured credentials
    /// (<c>GET /v2/</c>); throws <see cref="RegistryException"/> saying why not.
    /// </summary>
    public async Task PingAsync(string registry, CancellationToken cancellationToken)
    {
        var context = new RequestContext(registry, null, [], "check the registry API");
        using var response = await SendAsync(context, () => new HttpRequestMessage(HttpMethod.Get, BaseUri(registry, "")), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorAsync(context, response, cancellationToken);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    /// <summary>The API root of a registry, such as <c>http://127.0.0.1:5000/v2/</c> plus a path.</summary>
    internal Uri BaseUri(string registry, string path)
    {
        var host = registry == OciRepository.DockerHub ? "registry-1.docker.io" : registry;
        return new Uri($"{(UsesPlainHttp(registry) ? "http" : "https")}://{host}/v2/{path}");
    }

    /// <summary>A path under a repository, such as <c>/v2/team/app/manifests/1.0</c>.</summary>
    internal Uri RepositoryUri(OciRepository repository, string path) => BaseUri(repository.Registry, $"{repository.Name}/{path}");

    /// <summary>
    /// Sends a request made by <paramref name="create"/>, answering one auth challenge and retrying
    /// transient failures when the request can be made again (<paramref name="replayable"/>).
    /// </summary>
    internal async Task<HttpResponseMessage> SendAsync(RequestContext context, Func<HttpRequestMessage> create, CancellationToken cancellationToken, bool replayable = true)
    {
        var challenged = false;
        for (var attempt = 1; ; attempt++)
        {
            using var request = create();
            request.Headers.Authorization = await _authenticator.HeaderAsync(context, cancellationToken);
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (HttpRequestException) when (replayable && attempt < _options.MaxAttempts)
            {
                await DelayAsync(attempt, null, cancellationToken);
                continue;
            }
            catch (HttpRequestException exception)
            {
                throw Unreachable(context, request.RequestUri!, exception);
            }

            if (response.StatusCode == HttpStatusCode.Unauthorized && !challenged &&
                await _authenticator.OnChallengeAsync(context, response, request.Headers.Authorization is not null, cancellationToken))
            {
                challenged = true;
                if (request.Content is null || replayable)
                {
                    response.Dispose();
                    attempt--;
                    continue;
                }
            }

            if (IsTransient(response.StatusCode) && replayable && attempt < _options.MaxAttempts)
            {
                var retryAfter = response.Headers.RetryAfter;
                response.Dispose();
                await DelayAsync(attempt, retryAfter, cancellationToken);
                continue;
            }

            return response;
        }
    }

    /// <summary>Sends a request with retries of transient failures only (no registry auth): for token services.</summary>
    internal async Task<HttpResponseMessage> SendWithRetriesAsync(Func<HttpRequestMessage> create, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = create();
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (HttpRequestException) when (attempt < _options.MaxAttempts)
            {
                await DelayAsync(attempt, null, cancellationToken);
                continue;
            }
            catch (HttpRequestException exception)
            {
                var uri = request.RequestUri!;
                throw new RegistryException(
                    new RegistryError { Registry = uri.Authority, Message = $"the token service {uri.GetLeftPart(UriPartial.Path)} cannot be reached: {exception.Message}" },
                    exception);
            }

            if (IsTransient(response.StatusCode) && attempt < _options.MaxAttempts)
            {
                var retryAfter = response.Headers.RetryAfter;
                response.Dispose();
                await DelayAsync(attempt, retryAfter, cancellationToken);
                continue;
            }

            return response;
        }
    }

    /// <summary>The exception for a response the operation cannot use, with the registry's own error code and message.</summary>
    internal async Task<RegistryException> ErrorAsync(RequestContext context, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var (code, detail) = await ReadErrorsAsync(response, cancellationToken);
        var what = $"{context.Registry}: {context.Operation}";
        var answer = $"{status} {response.ReasonPhrase}{(code is null ? "" : $", {code}")}{(detail is null ? "" : $": {detail}")}";
        var fix = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => await _authenticator.CredentialAsync(context.Registry, cancellationToken) is { } credential
                ? $"; {context.Registry} refused the credentials of {credential.Who}: check the username and password configured for it"
                : $"; {context.Registry} needs credentials and none are configured for it: docker login {context.Registry}, or add them to sluice.yaml",
            HttpStatusCode.Forbidden => "; the credentials are valid but lack permission for this repository",
            HttpStatusCode.MethodNotAllowed when context.Operation.StartsWith("delete", StringComparison.Ordinal) =>
                "; deleting is disabled on this registry (distribution: storage.delete.enabled)",
            HttpStatusCode.TooManyRequests => $"; still refused after {_options.MaxAttempts} attempts",
            >= HttpStatusCode.InternalServerError => $"; still failing after {_options.MaxAttempts} attempts",
            _ => "",
        };
        response.Dispose();
        return new RegistryException(new RegistryError
        {
            Registry = context.Registry,
            Repository = context.Repository,
            Status = status,
            Code = code ?? (response.StatusCode == HttpStatusCode.Unauthorized ? "UNAUTHORIZED" : null),
            Message = $"{what} failed: {answer}{fix}",
        });
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    private static RegistryException Unreachable(RequestContext context, Uri uri, HttpRequestException exception)
    {
        var hint = exception.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused }
            ? "; is the registry running, and on this port?"
            : exception.HttpRequestError == HttpRequestError.SecureConnectionError
                ? $"; for a registry without TLS, list {context.Registry} among the insecure registries"
                : "";
        return new RegistryException(
            new RegistryError
            {
                Registry = context.Registry,
                Repository = context.Repository,
                Message = $"{context.Registry}: {context.Operation}: cannot reach {uri.GetLeftPart(UriPartial.Authority)}: {exception.Message}{hint}",
            },
            exception);
    }

    private static async Task<(string? Code, string? Detail)> ReadErrorsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await ReadBoundedAsync(response.Content, 64 * 1024, cancellationToken);
            if (bytes.Length == 0)
            {
                return (null, null);
            }

            using var document = JsonDocument.Parse(bytes);
            if (!document.RootElement.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Array || errors.GetArrayLength() == 0)
            {
                return (null, null);
            }

            var first = errors[0];
            var code = first.TryGetProperty("code", out var c) ? c.GetString() : null;
            var messages = errors.EnumerateArray()
                .Select(e => e.TryGetProperty("message", out var m) ? m.GetString() : null)
                .Where(m => !string.IsNullOrEmpty(m));
            return (code, string.Join("; ", messages));
        }
        catch (Exception exception) when (exception is JsonException or HttpRequestException or IOException)
        {
            return (null, null);
        }
    }

    /// <summary>Reads a response body of at most <paramref name="limit"/> bytes; more is an error.</summary>
    internal static async Task<byte[]> ReadBoundedAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new InvalidDataException($"the registry sent more than {limit} bytes where a small document was expected");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private async Task DelayAsync(int attempt, RetryConditionHeaderValue? retryAfter, CancellationToken cancellationToken)
    {
        var delay = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - _options.TimeProvider.GetUtcNow() : (TimeSpan?)null)
            ?? _options.RetryDelay * Math.Pow(2, attempt - 1);
        delay = TimeSpan.FromTicks(Math.Clamp(delay.Ticks, 0, _options.MaxRetryDelay.Ticks));
        await Task.Delay(delay, _options.TimeProvider, cancellationToken);
    }
}
