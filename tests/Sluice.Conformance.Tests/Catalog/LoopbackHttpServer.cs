using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sluice.Conformance.Tests.Catalog;

/// <summary>A request the server received, with its body as text.</summary>
public sealed record ReceivedRequest(string Method, string Path, string? ContentType, string? UserAgent, string Body);

/// <summary>
/// An HTTP server on 127.0.0.1 that answers from a table of paths and records every request, so a test can
/// check both what a step downloaded and what it sent. Steps reach it only with the host's network.
/// </summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, (int Status, string ContentType, byte[] Body)> _routes;
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();
    private readonly Task _serving;

    public LoopbackHttpServer(IReadOnlyDictionary<string, (int Status, string ContentType, byte[] Body)> routes)
    {
        _routes = new(routes, StringComparer.Ordinal);
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = ServeAsync();
    }

    public int Port { get; }

    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    public IReadOnlyCollection<ReceivedRequest> Received => [.. _received];

    /// <summary>A port the kernel has just given out and taken back, for a server that must name its port up front.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving.ConfigureAwait(false);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync().ConfigureAwait(false);
            var path = context.Request.Url?.AbsolutePath ?? string.Empty;
            _received.Enqueue(new ReceivedRequest(context.Request.HttpMethod, path, context.Request.ContentType, context.Request.UserAgent, body));
            var (status, contentType, content) = _routes.TryGetValue(path, out var route) ? route : (404, "text/plain", "not found\n"u8.ToArray());
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            context.Response.ContentLength64 = content.Length;
            await context.Response.OutputStream.WriteAsync(content).ConfigureAwait(false);
            context.Response.Close();
        }
    }
}
