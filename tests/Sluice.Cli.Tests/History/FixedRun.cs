using System.Collections.Immutable;
using Sluice.Engine.Runs;
using Sluice.Model.Kubernetes;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;
using Sluice.Store;

namespace Sluice.Cli.Tests.History;

/// <summary>
/// One PipelineRun recorded in a scratch SQLite store exactly as the engine records it, with fixed names,
/// uids and times and two step logs on disk: the input of the list, describe and logs snapshots.
/// </summary>
internal sealed class FixedRun : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    private FixedRun(string directory, RunStore store)
    {
        Directory = directory;
        Store = store;
    }

    public string Directory { get; }

    public RunStore Store { get; }

    /// <summary>A clock ten minutes after the run started.</summary>
    public static TimeProvider Clock { get; } = new FixedClock(Start.AddMinutes(10));

    public static async Task<FixedRun> CreateAsync(CancellationToken cancellationToken)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("sluice-fixed-run-").FullName;
        var store = await RunStore.OpenAsync(StoreLocation.Sqlite(Path.Combine(directory, "sluice.db")), null, cancellationToken);
        var fixedRun = new FixedRun(directory, store);
        await fixedRun.RecordAsync(cancellationToken);
        return fixedRun;
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private async Task RecordAsync(CancellationToken cancellationToken)
    {
        const string Root = "0b7c1a52-1111-4e2a-9c1d-000000000001";
        var labels = ImmutableSortedDictionary<string, string>.Empty.Add("app", "shop").Add("tekton.dev/pipeline", "build");
        var run = new PipelineRun
        {
            Metadata = new ObjectMeta { Name = "build-run-x7k2p", Namespace = "default", Uid = Root, CreationTimestamp = At(0), Labels = labels },
            Spec = new PipelineRunSpec
            {
                PipelineRef = new PipelineReference { Name = "build" },
                Params = [new Param { Name = "revision", Value = ParamValue.Of("main") }, new Param { Name = "platforms", Value = ParamValue.Of(["linux/amd64", "linux/arm64"]) }],
                Workspaces = [new WorkspaceBinding { Name = "source", EmptyDir = new EmptyDirVolumeSource() }],
                Timeouts = new TimeoutFields { Pipeline = Model.Duration.From(TimeSpan.FromHours(1)) },
            },
            Status = new PipelineRunStatus
            {
                StartTime = At(1),
                CompletionTime = At(9),
                Conditions = [new Condition { Status = "False", Reason = "Failed", Message = "Tasks Completed: 2 (Failed: 1, Cancelled 0), Skipped: 1", LastTransitionTime = At(9) }],
                Results = [new RunResult { Name = "IMAGE_URL", Value = ParamValue.Of("registry.local/shop") }, new RunResult { Name = "IMAGE_DIGEST", Value = ParamValue.Of("sha256:5f1d0c4e") }],
                ChildReferences = [new ChildStatusReference { ApiVersion = "tekton.dev/v1", Kind = "TaskRun", Name = "build-run-x7k2p-compile", PipelineTaskName = "compile" }, new ChildStatusReference { ApiVersion = "tekton.dev/v1", Kind = "TaskRun", Name = "build-run-x7k2p-test", PipelineTaskName = "test" }],
                SkippedTasks = [new SkippedTask { Name = "publish", Reason = "Parent Tasks were skipped or failed" }],
            },
        };
        await Store.RecordAsync(new RunRecord { RootUid = Root, Run = run, Owner = "vm/100/200", Definition = new DefinitionVersion("Pipeline", "build", 3) }, cancellationToken);
        await Child(Root, "build-run-x7k2p-compile", "compile", "0b7c1a52-1111-4e2a-9c1d-000000000002", 1, 5, 0, "compiling main\nbuilt shop in 3.9s\n", cancellationToken);
        await Child(Root, "build-run-x7k2p-test", "test", "0b7c1a52-1111-4e2a-9c1d-000000000003", 5, 9, 2, "running 41 tests\nFAIL: checkout_test.go:88: total is 0\n", cancellationToken);
        await Store.RecordArtifactsAsync(Root, "build-run-x7k2p-compile", [new ArtifactRecord { Kind = "image", Name = "IMAGE", Uri = "registry.local/shop", Digest = "sha256:5f1d0c4e", Source = "IMAGE_URL" }], cancellationToken);
    }

    private async Task Child(string root, string name, string task, string uid, int start, int end, int exitCode, string log, CancellationToken cancellationToken)
    {
        var failed = exitCode != 0;
        var taskRun = new TaskRun
        {
            Metadata = new ObjectMeta
            {
                Name = name,
                Namespace = "default",
                Uid = uid,
                CreationTimestamp = At(start),
                Labels = ImmutableSortedDictionary<string, string>.Empty.Add("tekton.dev/pipelineRun", "build-run-x7k2p").Add("tekton.dev/pipelineTask", task),
            },
            Spec = new TaskRunSpec { TaskRef = new TaskReference { Name = task } },
            Status = new TaskRunStatus
            {
                PodName = name + "-pod",
                StartTime = At(start),
                CompletionTime = At(end),
                Conditions = [failed
                    ? new Condition { Status = "False", Reason = "Failed", Message = $"\"step-{task}\" exited with code {exitCode}", LastTransitionTime = At(end) }
                    : new Condition { Status = "True", Reason = "Succeeded", Message = "All Steps have completed executing", LastTransitionTime = At(end) }],
                Steps = [new StepState
                {
                    Name = task,
                    Container = $"step-{task}",
                    ImageID = "sha256:9e8d7c6b",
                    Terminated = new ContainerTerminated { ExitCode = exitCode, Reason = failed ? "Error" : "Completed", StartedAt = At(start), FinishedAt = At(end) },
                    TerminationReason = failed ? "Error" : "Completed",
                }],
            },
        };
        await Store.RecordAsync(new RunRecord { RootUid = root, Run = taskRun, PipelineTask = task }, cancellationToken);
        var path = Path.Combine(Directory, "logs", name, $"step-{task}.log");
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, log, cancellationToken);
        await Store.RecordLogAsync(new LogRecord(root, name, $"step-{task}", path, log.Length), cancellationToken);
    }

    private static string At(int seconds) => Timestamps.Format(Start.AddSeconds(seconds));

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
