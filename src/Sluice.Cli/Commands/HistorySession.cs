using System.CommandLine;
using Sluice.Cli.Rendering;
using Sluice.Hosting;
using Sluice.Model.Diagnostics;
using Sluice.Store;

namespace Sluice.Cli.Commands;

/// <summary>
/// Opens the machine for a history command: the store, with the usual opening (runs of dead sluice
/// processes marked failed, what they left reaped), tolerating a Docker engine that cannot be reached.
/// </summary>
internal static class HistorySession
{
    /// <summary>Opens a session, or prints why not and returns null with the exit code to use.</summary>
    public static async Task<(LocalSession? Session, int ExitCode)> OpenAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var diagnostics = new DiagnosticBag();
        var options = new SessionOptions
        {
            Store = parse.GetValue(HistoryOptions.Store),
            ReapBestEffort = true,
        };
        LocalSession? session;
        try
        {
            session = await LocalSession.OpenAsync(options, diagnostics, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"error: the state directory is not usable: {e.Message}").ConfigureAwait(false);
            return (null, ExitCodes.EnvironmentError);
        }

        if (session is null)
        {
            DiagnosticPrinter.Print(diagnostics.ToImmutable(), Console.Error, Color(parse), "nothing was done");
            return (null, diagnostics.ToImmutable().Any(d => d.Message.StartsWith("cannot open", StringComparison.Ordinal)) ? ExitCodes.EnvironmentError : ExitCodes.InvalidInput);
        }

        if (parse.GetValue(HistoryOptions.Verbose))
        {
            await Console.Error.WriteLineAsync($"history: {session.Store.Description}").ConfigureAwait(false);
            foreach (var run in session.Abandoned)
            {
                await Console.Error.WriteLineAsync($"marked {run.Kind} {run.Name} failed: the sluice process running it stopped").ConfigureAwait(false);
            }

            foreach (var (uid, report) in session.Reaped)
            {
                await Console.Error.WriteLineAsync($"reaped run {uid}: {report.Containers} containers, {report.Processes} processes, {report.Directories} directories").ConfigureAwait(false);
            }
        }

        return (session, ExitCodes.Success);
    }

    /// <summary>The run a command names (by name or uid), or the newest with <c>--last</c>; prints why when there is none.</summary>
    public static async Task<RunSummary?> FindAsync(RunStore store, string? name, bool last, string? kind, CancellationToken cancellationToken)
    {
        RunSummary? found;
        if (last || name is null)
        {
            found = await store.LastAsync(kind, cancellationToken).ConfigureAwait(false);
            if (found is null)
            {
                await Console.Error.WriteLineAsync(last ? "error: no runs recorded yet; start one with sluice run" : "error: name a run, or give --last for the newest").ConfigureAwait(false);
            }

            return last ? found : null;
        }

        found = await store.FindAsync(name, cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            await Console.Error.WriteLineAsync($"error: no run named \"{name}\" in {store.Description}\n  fix: see the recorded runs with sluice list, or sluice list taskruns").ConfigureAwait(false);
        }

        return found;
    }

    /// <summary>Whether to colour standard output: not with --no-color, NO_COLOR, or output that is not a terminal.</summary>
    public static bool Color(ParseResult parse) =>
        !parse.GetValue(CommonOptions.NoColor) && !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
}
