using Sluice.Testing;

namespace Sluice.EndToEnd.Tests;

/// <summary>The conference application's environment (<see cref="ConferenceAppEnvironment"/>) as a fixture: one per test class, runs bounded by the test's token.</summary>
public sealed class ConferenceApp() : ConferenceAppEnvironment(SluiceCommand.RepositoryRoot, SluiceCommand.Program), IAsyncLifetime
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    ValueTask IAsyncLifetime.InitializeAsync() => new(StartAsync(Cancel));

    /// <summary>Runs PipelineRuns with the example's pipelines and the stand-in image map; returns sluice's exit code and output.</summary>
    public Task<(int ExitCode, string Output)> RunAsync(string name, string yaml, params string[] extra) => RunAsync(name, yaml, Cancel, extra);

    /// <summary>Runs PipelineRuns as <see cref="RunAsync(string, string, string[])"/> does, from <paramref name="directory"/> (a clone, for <c>--changed-since</c>).</summary>
    public Task<(int ExitCode, string Output)> RunInAsync(string directory, string name, string yaml, params string[] extra) => RunInAsync(directory, name, yaml, Cancel, extra);
}
