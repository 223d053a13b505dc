using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sluice.Testing;

/// <summary>
/// An HTTP endpoint on 127.0.0.1 at a spare port (Kestrel in the test's process) that records every request
/// it is sent, headers and body as they arrived, and answers each path with the statuses scripted for it in
/// turn (the last one from then on), 202 for a path with no script, and no answer at all for a status of 0 until
/// the client gives up: a subscriber as a test wants it to behave.
/// </summary>
public sealed class EventSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private readonly ConcurrentDictionary<string, int> _answered = new(StringComparer.Ordinal);
    private readonly ImmutableDictionary<string, int[]> _script;

    private EventSink(WebApplication app, ImmutableDictionary<string, int[]> script)
    {
        _app = app;
        _script = script;
    }

    /// <summary>The sink's base address, <c>http://127.0.0.1:PORT</c>.</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>The requests received so far, in the order they arrived.</summary>
    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    /// <summary>Starts a sink that answers each path of <paramref name="script"/> with its statuses in turn.</summary>
    public static async Task<EventSink> StartAsync(IReadOnlyDictionary<string, int[]> script, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var sink = new EventSink(app, script.ToImmutableDictionary(StringComparer.Ordinal));
        app.Run(sink.AnswerAsync);
        await app.StartAsync(cancellationToken);
        sink.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().Replace("localhost", "127.0.0.1", StringComparison.Ordinal);
        return sink;
    }

    /// <summary>The requests sent to a path.</summary>
    public IReadOnlyList<ReceivedRequest> To(string path) => [.. _requests.Where(r => r.Path == path)];

    public async ValueTask DisposeAsync()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(limit.Token);
        await _app.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var path = context.Request.Path.Value ?? "/";
        var headers = context.Request.Headers.ToImmutableDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        _requests.Enqueue(new ReceivedRequest(context.Request.Method, path, headers, body));
        var count = _answered.AddOrUpdate(path, 1, (_, n) => n + 1);
        var status = _script.TryGetValue(path, out var statuses) ? statuses[Math.Min(count, statuses.Length) - 1] : StatusCodes.Status202Accepted;
        if (status == 0)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client gave up, which is what the test waits for.
            }

            return;
        }

        context.Response.StatusCode = status;
    }
}

/// <summary>One request an <see cref="EventSink"/> received: header names in lower case.</summary>
public sealed record ReceivedRequest(string Method, string Path, ImmutableDictionary<string, string> Headers, string Body)
{
    /// <summary>A header's value, or null.</summary>
    public string? Header(string name) => Headers.GetValueOrDefault(name);
}
