using System.Collections.Concurrent;
using Sluice.Catalog;
using Sluice.Engine;
using Sluice.Engine.Runs;
using Sluice.Examples.ConferenceApp.Pipelines;
using Sluice.Hosting;
using Sluice.Model.Binding;
using Sluice.Model.Diagnostics;
using Sluice.Model.Kubernetes;
using Sluice.Model.Loading;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;
using Sluice.Sdk;
using Sluice.Testing.Git;

namespace Sluice.Cli.Tests.Examples;

/// <summary>
/// The conference app's pull-request pipeline in C#, run for real as its build.cs runs it: a PipelineRun from
/// <see cref="PipelineRunBuilder"/> on the engine embedded in Sluice.Hosting, with the catalog's Tasks, cloning
/// examples/conference-app from a Git server on 127.0.0.1 and linting, building and testing agenda-service.
/// Needs Docker, the stand-in images (eng/images/build.sh) and NuGet's feed; takes about a minute and a half.
/// </summary>
public sealed class ConferencePullRequestRunTests : IAsyncLifetime
{
    private readonly string _home = Directory.CreateTempSubdirectory("sluice-conference-pull-request-").FullName;
    private GitServer _git = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _git = await GitServer.StartAsync(Cancel);

    public async ValueTask DisposeAsync()
    {
        await _git.DisposeAsync();
        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public async Task The_pull_request_pipeline_clones_then_builds_tests_and_lints_agenda_service()
    {
        var repository = await _git.CreateRepositoryAsync("conference-app", Path.Combine(RepositoryPaths.Root, "examples", "conference-app"), null, Cancel);
        var pipeline = ServicePipeline.PullRequest().Build();
        var diagnostics = new DiagnosticBag();
        var files = ResourceSet.FromResources([new LoadedResource(pipeline, SourceLocation.None, SourceMap.Empty, 0)], diagnostics);
        var resolver = new CatalogResolver(new ResourceSetResolver(files));
        var run = new PipelineRunBuilder("agenda-service-pull-request")
            .Pipeline(pipeline)
            .Param("repository-url", repository.Url)
            .Param("revision", "main")
            .Param("service", "agenda-service")
            .Workspace(new WorkspaceBinding { Name = "source", VolumeClaimTemplate = new PersistentVolumeClaim() })
            .ClaimWorkspace("nuget-cache", "nuget")
            .Build();
        Assert.Empty(Preflight.Check(run, resolver, new EngineOptions()));
        var options = new SessionOptions { Home = _home, ConfigFiles = [Path.Combine(RepositoryPaths.Root, "eng", "images", "standins.yaml")], Network = "host" };
        var session = await LocalSession.OpenAsync(options, diagnostics, Cancel);
        Assert.True(session is not null, string.Join('\n', diagnostics.ToImmutable()));
        var outcomes = new TaskOutcomes();

        PipelineRun finished;
        await using (session)
        {
            var prepared = await session.PrepareAsync(run, Cancel);
            finished = Assert.IsType<PipelineRun>(await session.RunAsync(resolver, prepared, outcomes, null, CacheMode.Off, null, e => Assert.Fail($"the run history could not be written: {e}"), Cancel));
        }

        var condition = Assert.Single(finished.Status!.Conditions);
        Assert.True(condition.Status == "True", $"{condition.Reason}: {condition.Message}");
        Assert.Equal(["build-test:Succeeded", "clone:Succeeded", "lint:Succeeded"], outcomes.Finished.Select(t => $"{t.Key}:{t.Value}").Order(StringComparer.Ordinal));
        Assert.Equal(["clone", "build-test", "lint"], outcomes.Order);
    }

    /// <summary>Each pipeline task's final reason, and the order they finished in.</summary>
    private sealed class TaskOutcomes : IRunObserver
    {
        private readonly ConcurrentQueue<string> _order = new();

        public ConcurrentDictionary<string, string> Finished { get; } = new();

        public IEnumerable<string> Order => _order;

        public ValueTask OnEventAsync(RunEvent runEvent, CancellationToken cancellationToken)
        {
            if (runEvent is TaskRunUpdated { PipelineTask: { } task, TaskRun.Status: { } status }
                && status.Conditions.FirstOrDefault() is { Status: "True" or "False" } condition
                && Finished.TryAdd(task, condition.Reason ?? condition.Status))
            {
                _order.Enqueue(task);
            }

            return ValueTask.CompletedTask;
        }
    }
}
