using System.Diagnostics;

namespace Sluice.Testing;

/// <summary>Debian's skopeo, the independent reader of what the client pushed (installed by eng/install.sh).</summary>
public static class Skopeo
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <summary>Runs skopeo with arguments; returns its standard output, or throws with its errors.</summary>
    public static async Task<string> RunAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/skopeo", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("skopeo did not start: run eng/install.sh");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var errors = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return process.ExitCode == 0
                ? await output
                : throw new InvalidOperationException($"skopeo {string.Join(' ', arguments)} failed ({process.ExitCode}): {await errors}");
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }

    /// <summary>The exact manifest bytes skopeo reads for an image.</summary>
    public static async Task<byte[]> RawAsync(string image, CancellationToken cancellationToken, params string[] options)
    {
        var output = await RunAsync(cancellationToken, ["inspect", "--tls-verify=false", "--raw", .. options, $"docker://{image}"]);
        return System.Text.Encoding.UTF8.GetBytes(output);
    }
}
