namespace Frontend;

/// <summary>
/// Forwards a request under <c>/api/{backend}/</c> to that backend with the rest of its path and its
/// query, and streams the answer back: the page calls one origin, the services stay inside the cluster.
/// </summary>
public sealed class BackendProxy(HttpClient http, Backends backends)
{
    /// <summary>Headers that belong to one connection, or that the client sets itself, and so are not passed on.</summary>
    private static readonly HashSet<string> ConnectionHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host",
    };

    /// <summary>Forwards the request to the backend named <paramref name="name"/>; answers 404 for an unknown one and 502 when it does not answer.</summary>
    public async Task ForwardAsync(HttpContext context, string name)
    {
        if (backends.Find(name) is not { } backend)
        {
            await Results.Problem($"There is no backend '{name}': the frontend forwards /api/agenda/, /api/c4p/ and /api/notifications/.", statusCode: StatusCodes.Status404NotFound)
                .ExecuteAsync(context);
            return;
        }

        // The escaped path after /api/{name}, appended to the backend's address as text so that no path can name another host.
        var rest = context.Request.Path.ToUriComponent()[$"/api/{name}".Length..];
        var target = new Uri(backend.Address.AbsoluteUri.TrimEnd('/') + rest + context.Request.QueryString.ToUriComponent());
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), target);
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(context.Request.Body);
        }

        foreach (var (header, values) in context.Request.Headers)
        {
            if (!ConnectionHeaders.Contains(header) && !request.Headers.TryAddWithoutValidation(header, [.. values]))
            {
                request.Content?.Headers.TryAddWithoutValidation(header, [.. values]);
            }
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (HttpRequestException e)
        {
            await Results.Problem(
                    $"The {name} service did not answer at {backend.Address}: {e.Message.TrimEnd('.')}. Check that it runs, or set {backend.Setting} to its address.",
                    statusCode: StatusCodes.Status502BadGateway)
                .ExecuteAsync(context);
            return;
        }

        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (header, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!ConnectionHeaders.Contains(header))
                {
                    context.Response.Headers[header] = values.ToArray();
                }
            }

            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
    }
}
