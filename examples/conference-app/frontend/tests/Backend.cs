using System.Net;
using System.Net.Http.Headers;

namespace Frontend.Tests;

/// <summary>
/// Stands in for the services behind the frontend: records each request forwarded to it and answers
/// with <see cref="Answer"/>, or fails to connect when that is null.
/// </summary>
public sealed class Backend : HttpMessageHandler
{
    private readonly Lock _lock = new();
    private readonly List<Forwarded> _requests = [];

    public sealed record Forwarded(HttpMethod Method, Uri Url, string Body, HttpRequestHeaders Headers, string? ContentType);

    public Func<HttpResponseMessage>? Answer { get; set; } = () => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("[]", null, "application/json") };

    public IReadOnlyList<Forwarded> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (_lock)
        {
            _requests.Add(new(request.Method, request.RequestUri!, body, request.Headers, request.Content?.Headers.ContentType?.ToString()));
        }

        return Answer?.Invoke() ?? throw new HttpRequestException($"Connection refused ({request.RequestUri!.Authority})");
    }
}
