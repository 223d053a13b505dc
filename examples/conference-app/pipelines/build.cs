#!/usr/bin/env -S dotnet run
// The conference application's service pipelines in C# (ConferencePipelines/), as a program: it writes each
// variant as Tekton YAML, or runs one for a service on the engine embedded in Sluice.Hosting, with the Tasks
// and custom tasks of Sluice's catalog. Sluice's packages come from the local feed examples/sdk/pack.sh fills.
//
//   dotnet run build.cs -- yaml                     main, pull-request, feature-branch and dockerfile as one YAML stream
//   dotnet run build.cs -- yaml feature-branch      one variant
//   dotnet run build.cs -- pull-request --help      a variant's params
//   dotnet run build.cs -- pull-request --repository-url http://git.example/conference-app.git \
//       --revision refs/pull/7/head --service agenda-service
//
// A run binds the workspace source to a fresh directory for the run and nuget-cache to the named directory
// "nuget", which outlives runs; the registry's credentials come from the Docker configuration.
#:package Sluice.Hosting@0.1.0
#:package Sluice.Catalog@0.1.0
#:project ConferencePipelines/Sluice.Examples.ConferenceApp.Pipelines.csproj
#:property PublishAot=false

using System.Collections.Concurrent;
using Sluice.Catalog;
using Sluice.Engine;
using Sluice.Engine.Runs;
using Sluice.Examples.ConferenceApp.Pipelines;
using Sluice.Hosting;
using Sluice.Hosting.Caching;
using Sluice.Model.Binding;
using Sluice.Model.Diagnostics;
using Sluice.Model.Kubernetes;
using Sluice.Model.Loading;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;
using Sluice.Sdk;
using Sluice.Sdk.Programs;

// The embedded engine runs containers on this machine's Docker, which Sluice supports on Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

var here = AppContext.GetData("EntryPointFileDirectoryPath") as string ?? Environment.CurrentDirectory;
var variants = new Dictionary<string, ServicePipelineOptions>
{
    ["main"] = ServicePipelineOptions.Main,
    ["pull-request"] = ServicePipelineOptions.PullRequest,
    ["feature-branch"] = ServicePipelineOptions.FeatureBranch,
    ["dockerfile"] = ServicePipelineOptions.Dockerfile,
};

switch (args)
{
    case ["yaml"]:
        Console.Write(string.Join("---\n", variants.Values.Select(options => ServicePipeline.Create(options).ToYaml())));
        return 0;
    case ["yaml", var name] when variants.TryGetValue(name, out var options):
        Console.Write(ServicePipeline.Create(options).ToYaml());
        return 0;
    case [var name, .. var rest] when variants.TryGetValue(name, out var options):
        return await RunAsync(ServicePipeline.Create(options).Build(), rest);
    default:
        Console.Error.WriteLine($"usage: dotnet run build.cs -- yaml [VARIANT] | VARIANT --PARAM VALUE... | VARIANT --help, where VARIANT is {string.Join(", ", variants.Keys)}");
        return 2;
}

// A program whose options are the Pipeline's params; its one command runs the Pipeline with them.
async Task<int> RunAsync(PipelineDefinition pipeline, string[] arguments)
{
    var program = PipelineProgram.FromPipeline(pipeline);
    var succeeded = true;
    program.Command("run", $"Runs {pipeline.Metadata.Name} for one service on this machine's Docker.", async cancellationToken =>
    {
        var diagnostics = new DiagnosticBag();
        var files = ResourceSet.FromResources([new LoadedResource(pipeline, SourceLocation.None, SourceMap.Empty, 0)], diagnostics);
        var resolver = new CatalogResolver(new ResourceSetResolver(files));
        var built = new PipelineRunBuilder(pipeline.Metadata.Name!)
            .Pipeline(pipeline)
            .Params(program.BoundParams)
            .Workspace(new WorkspaceBinding { Name = "source", VolumeClaimTemplate = new PersistentVolumeClaim() })
            .ClaimWorkspace("nuget-cache", "nuget")
            .Build();
        var service = ((StringParam)program.GetParam("service")).Value;
        // Each run gets a name of its own, as sluice run names its runs.
        var run = built with { Metadata = built.Metadata with { Name = null, GenerateName = $"{service}-{pipeline.Metadata.Name}-" } };
        var problems = Preflight.Check(run, resolver, new EngineOptions());
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join('\n', problems.Select(p => p.Message)));
        }

        // The stand-in images of eng/images apply when this runs in Sluice's repository.
        var standIns = Path.GetFullPath(Path.Combine(here, "..", "..", "..", "eng", "images", "standins.yaml"));
        var session = await LocalSession.OpenAsync(new SessionOptions { ConfigFiles = File.Exists(standIns) ? [standIns] : [] }, diagnostics, cancellationToken)
            ?? throw new InvalidOperationException(string.Join('\n', diagnostics.ToImmutable()));
        await using (session)
        {
            var prepared = await session.PrepareAsync(run, cancellationToken);
            var caching = TaskRunCaches.Open(session, out var cacheError);
            if (caching is null)
            {
                Console.Error.WriteLine($"warning: the cache is not usable ({cacheError}); every TaskRun runs");
            }

            var finished = (PipelineRun)await session.RunAsync(resolver, prepared, new TaskProgress(), null, CacheMode.Annotated, caching, e => Console.Error.WriteLine($"warning: the run history could not be written ({e.Message})"), cancellationToken);
            var condition = finished.Status?.Conditions.FirstOrDefault();
            succeeded = condition?.Status == "True";
            Console.WriteLine($"{finished.Metadata.Name}: {condition?.Reason} {condition?.Message}".TrimEnd());
            Console.WriteLine($"logs: {LogFiles.DirectoryOf(session.Home, prepared.Metadata.Uid!)} (or sluice logs {finished.Metadata.Name})");
        }
    }, isDefault: true);
    var exitCode = await program.RunAsync(arguments);
    return exitCode == 0 && !succeeded ? 1 : exitCode;
}

/// <summary>One line per pipeline task as it finishes or is skipped; the step logs go to the run's log files.</summary>
sealed class TaskProgress : IRunObserver
{
    private readonly ConcurrentDictionary<string, bool> _reported = new();

    public ValueTask OnEventAsync(RunEvent runEvent, CancellationToken cancellationToken)
    {
        switch (runEvent)
        {
            case TaskRunUpdated { TaskRun: var taskRun, PipelineTask: var task } when taskRun.Status?.Conditions.FirstOrDefault() is { Status: "True" or "False" } condition:
                if (_reported.TryAdd(taskRun.Metadata.Name ?? task ?? string.Empty, true))
                {
                    Console.WriteLine($"{(condition.Status == "True" ? "✓" : "✗")} {task} {condition.Reason}");
                }

                break;
            case TaskSkipped skipped:
                Console.WriteLine($"- {skipped.PipelineTask} skipped: {skipped.Reason}");
                break;
        }

        return ValueTask.CompletedTask;
    }
}
