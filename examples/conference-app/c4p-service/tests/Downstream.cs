using System.Net;

namespace C4pService.Tests;

/// <summary>
/// Stands in for the agenda and notifications services: records each request the service sends
/// and answers with a status chosen per path prefix, 201 by default.
/// </summary>
public sealed class Downstream : HttpMessageHandler
{
    private readonly Lock _lock = new();
    private readonly List<(HttpMethod Method, Uri Url, string Body)> _requests = [];

    /// <summary>Paths (starting with) that answer with another status, or fail to connect when null.</summary>
    public Dictionary<string, HttpStatusCode?> Answers { get; } = [];

    public IReadOnlyList<(HttpMethod Method, Uri Url, string Body)> Requests
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
            _requests.Add((request.Method, request.RequestUri!, body));
        }

        var answer = Answers.FirstOrDefault(pair => request.RequestUri!.AbsolutePath.StartsWith(pair.Key, StringComparison.Ordinal));
        return answer.Key is null
            ? new HttpResponseMessage(HttpStatusCode.Created)
            : answer.Value is { } status
                ? new HttpResponseMessage(status)
                : throw new HttpRequestException($"Connection refused ({request.RequestUri!.Authority})");
    }
}
