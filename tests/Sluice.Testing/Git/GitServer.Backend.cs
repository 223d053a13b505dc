using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Sluice.Testing.Git;

/// <summary>One request as <c>git http-backend</c> sees it: CGI/1.1 environment, body on stdin, headers and body on stdout.</summary>
public sealed partial class GitServer
{
    private static readonly byte[] CrLfCrLf = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] LfLf = "\n\n"u8.ToArray();
    private static readonly TimeSpan BackendLimit = TimeSpan.FromMinutes(2);

    /// <summary>Runs the backend for a request, streams its answer back and returns the status it gave.</summary>
    private async Task<int> RunBackendAsync(HttpContext context, string? user)
    {
        var request = context.Request;
        var start = new ProcessStartInfo(_backend)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        start.Environment.Clear();
        var environment = start.Environment;
        environment["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        environment["HOME"] = Path.Combine(_directory, "home");
        environment["GIT_CONFIG_NOSYSTEM"] = "1";
        environment["GIT_PROJECT_ROOT"] = RepositoriesDirectory;
        environment["GIT_HTTP_EXPORT_ALL"] = "1";
        environment["GATEWAY_INTERFACE"] = "CGI/1.1";
        environment["SERVER_PROTOCOL"] = request.Protocol;
        environment["SERVER_SOFTWARE"] = "sluice-git-server";
        environment["REQUEST_METHOD"] = request.Method;
        environment["PATH_INFO"] = request.Path.Value ?? "/";
        environment["QUERY_STRING"] = request.QueryString.Value?.TrimStart('?') ?? "";
        environment["REMOTE_ADDR"] = context.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1";
        if (request.ContentType is { } contentType)
        {
            environment["CONTENT_TYPE"] = contentType;
        }

        // Without a length the backend reads the body to its end, which is how a chunked push arrives.
        if (request.ContentLength is { } length)
        {
            environment["CONTENT_LENGTH"] = length.ToString(CultureInfo.InvariantCulture);
        }

        // The backend inflates a gzip body itself when told the encoding.
        if (request.Headers.ContentEncoding.ToString() is { Length: > 0 } encoding)
        {
            environment["HTTP_CONTENT_ENCODING"] = encoding;
        }

        if (request.Headers["Git-Protocol"].ToString() is { Length: > 0 } protocol)
        {
            environment["HTTP_GIT_PROTOCOL"] = protocol;
            environment["GIT_PROTOCOL"] = protocol;
        }

        // A REMOTE_USER is what enables receive-pack (push) in the backend.
        if (user is not null)
        {
            environment["REMOTE_USER"] = user;
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        limit.CancelAfter(BackendLimit);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{_backend} did not start");
        try
        {
            var feed = FeedAsync(request.Body, process.StandardInput.BaseStream, limit.Token);
            var errors = process.StandardError.ReadToEndAsync(limit.Token);
            var status = await CopyAnswerAsync(process.StandardOutput.BaseStream, context.Response, limit.Token);
            await feed;
            await process.WaitForExitAsync(limit.Token);
            var error = await errors;
            if (error.Length > 0)
            {
                lock (_gate)
                {
                    _backendErrors.Append(error);
                }
            }

            return status;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>Copies the request body to the backend's stdin and closes it; a backend that stops reading early is not an error.</summary>
    private static async Task FeedAsync(Stream body, Stream stdin, CancellationToken cancellationToken)
    {
        try
        {
            await body.CopyToAsync(stdin, cancellationToken);
        }
        catch (IOException)
        {
        }
        finally
        {
            try
            {
                await stdin.DisposeAsync();
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Reads the CGI header block, sets the response's status and headers, then streams the rest as the body.</summary>
    private static async Task<int> CopyAnswerAsync(Stream stdout, HttpResponse response, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var filled = 0;
        int end;
        int separator;
        while (true)
        {
            (end, separator) = HeaderEnd(buffer.AsSpan(0, filled));
            if (end >= 0)
            {
                break;
            }

            if (filled == buffer.Length)
            {
                throw new InvalidOperationException("git http-backend wrote more than 64 KiB of headers");
            }

            var read = await stdout.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                throw new InvalidOperationException($"git http-backend ended before its headers: {Encoding.UTF8.GetString(buffer, 0, filled)}");
            }

            filled += read;
        }

        var status = StatusCodes.Status200OK;
        foreach (var line in Encoding.ASCII.GetString(buffer, 0, end).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
            {
                status = int.Parse(value.Split(' ')[0], CultureInfo.InvariantCulture);
            }
            else
            {
                response.Headers.Append(name, value);
            }
        }

        response.StatusCode = status;
        var bodyStart = end + separator;
        await response.Body.WriteAsync(buffer.AsMemory(bodyStart, filled - bodyStart), cancellationToken);
        await stdout.CopyToAsync(response.Body, cancellationToken);
        return status;
    }

    /// <summary>Where the header block ends and how long its blank-line separator is; (-1, 0) while it has not ended.</summary>
    private static (int End, int Separator) HeaderEnd(ReadOnlySpan<byte> data)
    {
        var crlf = data.IndexOf(CrLfCrLf);
        var lf = data.IndexOf(LfLf);
        if (crlf < 0 && lf < 0)
        {
            return (-1, 0);
        }

        return crlf >= 0 && (lf < 0 || crlf < lf) ? (crlf, CrLfCrLf.Length) : (lf, LfLf.Length);
    }
}
