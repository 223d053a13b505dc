using System.Diagnostics;
using System.Globalization;
using Sluice.Testing;

namespace Sluice.Benchmarks;

/// <summary>
/// The service pipeline of examples/conference-app for all four services, run by the real <c>sluice run</c>
/// against the Git server, authenticated registry and event sink of <see cref="ConferenceAppEnvironment"/>:
/// once cold (empty cache and NuGet folder, everything built and pushed), then again with no new commit,
/// clone included, which must publish nothing. The raw work it is compared with is what no rerun can
/// skip: one <c>git clone</c> of the repository from the same server, timed in the same run.
/// </summary>
internal static class ServicePipelineBenchmark
{
    private const int Reruns = 3;

    public static async Task<IReadOnlyList<Figure>> RunAsync(string repositoryRoot, string sluice)
    {
        await using var app = new ConferenceAppEnvironment(repositoryRoot, sluice);
        await app.StartAsync(CancellationToken.None).ConfigureAwait(false);
        var secrets = app.Secrets(ConferenceAppEnvironment.RegistryPassword);

        var cold = await RunAllAsync(app, secrets, "cold").ConfigureAwait(false);
        Console.Error.WriteLine($"  cold: {cold.TotalSeconds:0.0} s");
        var writes = Writes(app);
        var reruns = new List<TimeSpan>();
        for (var round = 1; round <= Reruns; round++)
        {
            // The last rerun's output, each line with the seconds since the start, to see where the time goes.
            var transcript = new List<string>();
            var clock = Stopwatch.StartNew();
            app.OutputLine = round == Reruns ? line => { lock (transcript) { transcript.Add(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds,6:0.00} {line}")); } } : null;
            var rerun = await RunAllAsync(app, secrets, $"cached{round}").ConfigureAwait(false);
            if (round == Reruns)
            {
                await File.WriteAllLinesAsync(TranscriptPath, transcript).ConfigureAwait(false);
            }

            if (Writes(app) != writes)
            {
                throw new InvalidOperationException($"the rerun {round} wrote to the registry: {Writes(app) - writes} requests");
            }

            reruns.Add(rerun);
            Console.Error.WriteLine($"  cached rerun {round}: {rerun.TotalSeconds:0.00} s");
        }

        var clone = Path.Combine(app.Work, "raw-clone");
        var raw = Stopwatch.StartNew();
        await ProcessRunner.OutputAsync("git", ["clone", "--quiet", $"http://{ConferenceAppEnvironment.GitUser}:{ConferenceAppEnvironment.GitPassword}@127.0.0.1:{app.Git.Port}/conference-app.git", clone], TimeSpan.FromMinutes(2), CancellationToken.None).ConfigureAwait(false);
        raw.Stop();

        var median = Raw.Median(reruns);
        return
        [
            new Figure(
                "service pipeline: cached rerun of 4 services, clone included",
                median.TotalSeconds,
                "s",
                5.0,
                string.Create(CultureInfo.InvariantCulture, $"median of {Reruns} reruns with no new commit, nothing pushed ({median / raw.Elapsed:0.0}x one raw git clone, {raw.Elapsed.TotalSeconds:0.00} s); cold run {cold.TotalSeconds:0.0} s; the last rerun's output with the time of each line: {TranscriptPath}")),
        ];
    }

    /// <summary>Where the last rerun's timed output goes.</summary>
    private static string TranscriptPath => Path.Combine(Path.GetTempPath(), "sluice-bench-service-pipeline-rerun.txt");

    private static int Writes(ConferenceAppEnvironment app) =>
        app.Registry.CountRequests("PUT") + app.Registry.CountRequests("POST") + app.Registry.CountRequests("PATCH");

    /// <summary>One <c>sluice run</c> of every service's PipelineRun, timed from outside.</summary>
    private static async Task<TimeSpan> RunAllAsync(ConferenceAppEnvironment app, string secrets, string round)
    {
        var runs = string.Join("\n---\n", ConferenceAppEnvironment.Services.Select(s => app.PipelineRun(s, $"{s.Directory}-{round}")));
        var clock = Stopwatch.StartNew();
        var (code, output) = await app.RunAsync(round, secrets + "\n---\n" + runs, CancellationToken.None).ConfigureAwait(false);
        clock.Stop();
        return code == 0 ? clock.Elapsed : throw new InvalidOperationException($"the {round} run failed ({code}):\n{output}");
    }
}
