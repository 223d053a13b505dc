using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Sluice.Engine.Runs;
using Sluice.Model.Loading;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;

namespace Sluice.Store.Tests;

/// <summary>
/// What every store must do, whatever the database: run once against SQLite and once against a real
/// PostgreSQL server (see the derived classes).
/// </summary>
public abstract partial class RunStoreContract : IAsyncLifetime
{
    private RunStore? _store;

    protected RunStore Store => _store ?? throw new InvalidOperationException("the store is not open");

    protected CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _store = await OpenAsync();

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        await CleanUpAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Opens the store under test (a new, empty one for each test; again when called again).</summary>
    protected abstract Task<RunStore> OpenAsync();

    protected virtual ValueTask CleanUpAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task Migrations_are_numbered_and_applied_once()
    {
        Assert.Equal(Enumerable.Range(1, RunStore.LatestSchemaVersion), await Store.AppliedMigrationsAsync(Cancel));
        await using var again = await OpenAsync();
        Assert.Equal(Enumerable.Range(1, RunStore.LatestSchemaVersion), await again.AppliedMigrationsAsync(Cancel));
    }

    [Fact]
    public async Task Opening_from_many_threads_at_once_migrates_once()
    {
        var stores = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => OpenAsync()));
        foreach (var store in stores)
        {
            Assert.Equal(Enumerable.Range(1, RunStore.LatestSchemaVersion), await store.AppliedMigrationsAsync(Cancel));
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_recorded_run_reads_back_with_its_outcome_times_and_resource()
    {
        var run = Runs.Finished(Runs.Pipeline("build-run-abcde", "uid-1"), succeeded: false);
        await Store.RecordAsync(Runs.Record(run), Cancel);

        var stored = await Store.GetAsync("uid-1", Cancel);

        Assert.NotNull(stored);
        Assert.Equal("build-run-abcde", stored.Summary.Name);
        Assert.Equal("PipelineRun", stored.Summary.Kind);
        Assert.Equal("build", stored.Summary.DefinitionName);
        Assert.Equal("False", stored.Summary.Succeeded);
        Assert.Equal("Failed", stored.Summary.Reason);
        Assert.Equal(Runs.Start.AddSeconds(1), stored.Summary.Started);
        Assert.Equal(Runs.Start.AddSeconds(10), stored.Summary.Completed);
        Assert.Equal("host/1/1", stored.Summary.Owner);
        Assert.True(stored.Summary.IsTopLevel);
        var read = ReadBack<PipelineRun>(stored.Resource);
        Assert.Equal("main", read.Spec.Params.Single().Value.StringValue);
        Assert.Equal("Failed", read.Status!.Conditions.Single().Reason);
    }

    [Fact]
    public async Task Recording_a_run_again_replaces_its_status_and_keeps_its_sequence_number()
    {
        var run = Runs.Pipeline("build-run-x", "uid-x");
        await Store.RecordAsync(Runs.Record(run), Cancel);
        var first = await Store.FindAsync("uid-x", Cancel);
        Assert.Equal("Unknown", first!.Succeeded);
        Assert.Equal("Started", first.Reason);

        await Store.RecordAsync(Runs.Record(Runs.Finished(Runs.Running(run), succeeded: true), owner: null), Cancel);

        var second = await Store.FindAsync("uid-x", Cancel);
        Assert.Equal(first.Seq, second!.Seq);
        Assert.Equal("True", second.Succeeded);
        Assert.Equal("host/1/1", second.Owner);
    }

    [Fact]
    public async Task A_pipeline_run_keeps_its_task_runs_logs_artifacts_and_sources()
    {
        var run = Runs.Running(Runs.Pipeline("p-1", "root"));
        await Store.RecordAsync(Runs.Record(run) with { Sources = [new TaskDefinition { Metadata = new() { Name = "compile" } }] }, Cancel);
        await Store.RecordAsync(Runs.Record(Runs.Task("p-1-compile", "child-1", "p-1"), "root"), Cancel);
        await Store.RecordAsync(Runs.Record(Runs.Task("p-1-compile", "child-1", "p-1", running: false), "root"), Cancel);
        await Store.RecordAsync(Runs.Record(Runs.Task("p-1-test", "child-2", "p-1", task: "test"), "root", "test"), Cancel);
        await Store.RecordLogAsync(new LogRecord("root", "p-1-compile", "step-make", "/logs/root/p-1-compile/step-make.log", 0), Cancel);
        await Store.RecordLogAsync(new LogRecord("root", "p-1-compile", "step-make", "/logs/root/p-1-compile/step-make.log", 42), Cancel);
        await Store.RecordArtifactsAsync("root", "p-1-compile", [new ArtifactRecord { Kind = "image", Name = "IMAGE", Uri = "registry.local/app", Digest = "sha256:abc", Source = "IMAGE_URL" }], Cancel);

        var stored = await Store.GetAsync("root", Cancel);

        Assert.Equal(["p-1-compile", "p-1-test"], stored!.Children.Select(c => c.Summary.Name));
        Assert.Equal(["True", "Unknown"], stored.Children.Select(c => c.Summary.Succeeded));
        Assert.Equal("test", stored.Children[1].Summary.PipelineTask);
        Assert.All(stored.Children, c => Assert.False(c.Summary.IsTopLevel));
        Assert.Equal(new StoredLog("p-1-compile", "step-make", "/logs/root/p-1-compile/step-make.log", 42), Assert.Single(stored.Logs));
        Assert.Equal(new StoredArtifact("p-1-compile", "image", "IMAGE", "registry.local/app", "sha256:abc", "IMAGE_URL"), Assert.Single(stored.Artifacts));
        Assert.Equal("compile", JsonNode.Parse(stored.Sources!)![0]!["metadata"]!["name"]!.GetValue<string>());

        var child = await Store.GetAsync("child-1", Cancel);
        Assert.Equal("root", child!.Summary.RootUid);
        Assert.Equal("p-1-compile", Assert.Single(child.Logs).TaskRun);
    }

    [Fact]
    public async Task Find_takes_a_uid_or_a_name_preferring_the_newest_run_someone_started()
    {
        await Store.RecordAsync(Runs.Record(Runs.Pipeline("same", "old")), Cancel);
        await Store.RecordAsync(Runs.Record(Runs.Pipeline("same", "new")), Cancel);
        await Store.RecordAsync(Runs.Record(Runs.Task("same-compile", "c", "same"), "new"), Cancel);

        Assert.Equal("new", (await Store.FindAsync("same", Cancel))!.Uid);
        Assert.Equal("old", (await Store.FindAsync("old", Cancel))!.Uid);
        Assert.Equal("c", (await Store.FindAsync("same-compile", Cancel))!.Uid);
        Assert.Null(await Store.FindAsync("none", Cancel));
        Assert.Equal("new", (await Store.LastAsync(null, Cancel))!.Uid);
        Assert.Null(await Store.LastAsync("TaskRun", Cancel));
        Assert.True(await Store.NameExistsAsync("same-compile", Cancel));
        Assert.False(await Store.NameExistsAsync("other", Cancel));
    }

    [Fact]
    public async Task List_filters_by_kind_definition_status_label_and_time_newest_first_up_to_the_limit()
    {
        var team = ImmutableSortedDictionary<string, string>.Empty.Add("team", "a");
        await Store.RecordAsync(Runs.Record(Runs.Finished(Runs.Pipeline("b-1", "1", created: 0, labels: team), true)), Cancel);
        await Store.RecordAsync(Runs.Record(Runs.Finished(Runs.Pipeline("b-2", "2", created: 100), false)), Cancel);
        await Store.RecordAsync(Runs.Record(Runs.Running(Runs.Pipeline("d-1", "3", pipeline: "deploy", created: 200, labels: team))), Cancel);
        await Store.RecordAsync(Runs.Record(Runs.Task("b-1-compile", "4", "b-1"), "1"), Cancel);

        async Task<string[]> Names(RunQuery query) => [.. (await Store.ListAsync(query, Cancel)).Select(r => r.Name)];

        Assert.Equal(["d-1", "b-2", "b-1"], await Names(new RunQuery()));
        Assert.Equal(["b-1-compile"], await Names(new RunQuery { Kind = "TaskRun" }));
        Assert.Equal(["b-2", "b-1"], await Names(new RunQuery { Definition = "build" }));
        Assert.Equal(["b-1"], await Names(new RunQuery { Status = "succeeded" }));
        Assert.Equal(["b-2"], await Names(new RunQuery { Status = "Failed" }));
        Assert.Equal(["d-1"], await Names(new RunQuery { Status = "running" }));
        Assert.Equal(["d-1", "b-1"], await Names(new RunQuery { Labels = ["team=a"] }));
        Assert.Equal(["d-1", "b-1"], await Names(new RunQuery { Labels = ["team"] }));
        Assert.Empty(await Names(new RunQuery { Labels = ["team=a", "tekton.dev/none"] }));
        Assert.Equal(["d-1", "b-2"], await Names(new RunQuery { Since = Runs.Start.AddSeconds(50) }));
        Assert.Equal(["d-1"], await Names(new RunQuery { Limit = 1 }));
        Assert.Equal(3, (await Store.ListResourcesAsync(new RunQuery(), Cancel)).Count);
    }

    [Fact]
    public async Task A_cancel_request_is_seen_by_the_running_process()
    {
        await Store.RecordAsync(Runs.Record(Runs.Running(Runs.Pipeline("c", "c-uid"))), Cancel);
        Assert.False(await Store.IsCancelRequestedAsync("c-uid", Cancel));

        await Store.RequestCancelAsync("c-uid", Cancel);
        await Store.RequestCancelAsync("c-uid", Cancel);

        Assert.True(await Store.IsCancelRequestedAsync("c-uid", Cancel));
    }

    [Fact]
    public async Task An_abandoned_run_ends_failed_with_its_running_task_runs_and_steps_and_its_log_sizes_from_disk()
    {
        var log = Path.Combine(Path.GetTempPath(), $"sluice-store-{Guid.NewGuid():N}.log");
        await File.WriteAllTextAsync(log, "written before the kill\n", Cancel);
        try
        {
            await Store.RecordAsync(Runs.Record(Runs.Running(Runs.Pipeline("a", "a-uid"))), Cancel);
            await Store.RecordAsync(Runs.Record(Runs.Task("a-done", "a-1", "a", running: false), "a-uid"), Cancel);
            await Store.RecordAsync(Runs.Record(Runs.Task("a-going", "a-2", "a"), "a-uid"), Cancel);
            await Store.RecordLogAsync(new LogRecord("a-uid", "a-going", "step-make", log, 0), Cancel);
            Assert.Equal(["a"], (await Store.ListUnfinishedAsync(Cancel)).Select(r => r.Name));

            Assert.True(await Store.AbandonAsync("a-uid", "EngineStopped", "the sluice process running it stopped", Cancel));
            Assert.False(await Store.AbandonAsync("a-uid", "EngineStopped", "again", Cancel));

            var stored = await Store.GetAsync("a-uid", Cancel);
            Assert.Equal(("False", "EngineStopped"), (stored!.Summary.Succeeded, stored.Summary.Reason));
            Assert.NotNull(stored.Summary.Completed);
            Assert.Empty(await Store.ListUnfinishedAsync(Cancel));
            Assert.Equal(["Succeeded", "EngineStopped"], stored.Children.Select(c => c.Summary.Reason));
            var going = ReadBack<TaskRun>(stored.Children[1].Resource);
            var step = Assert.Single(going.Status!.Steps);
            Assert.Null(step.Running);
            Assert.Equal(137, step.Terminated!.ExitCode);
            Assert.Equal("EngineStopped", going.Status.Conditions.Single().Reason);
            Assert.Equal(24, Assert.Single(stored.Logs).Bytes);
        }
        finally
        {
            File.Delete(log);
        }
    }

    [Fact]
    public async Task Delete_removes_a_run_and_its_parts_and_sequence_numbers_are_never_reused()
    {
        await Store.RecordAsync(Runs.Record(Runs.Finished(Runs.Pipeline("gone", "g"), true)), Cancel);
        await Store.RecordAsync(Runs.Record(Runs.Task("gone-compile", "g-1", "gone"), "g"), Cancel);
        await Store.RecordLogAsync(new LogRecord("g", "gone-compile", "step-make", "/x", 1), Cancel);
        var before = (await Store.FindAsync("g", Cancel))!.Seq;

        Assert.True(await Store.DeleteAsync("g", Cancel));
        Assert.False(await Store.DeleteAsync("g", Cancel));

        Assert.Null(await Store.GetAsync("g", Cancel));
        Assert.Null(await Store.FindAsync("gone-compile", Cancel));
        await Store.RecordAsync(Runs.Record(Runs.Finished(Runs.Pipeline("next", "n"), true)), Cancel);
        Assert.True((await Store.FindAsync("n", Cancel))!.Seq > before + 1);
    }

    [Fact]
    public async Task Prune_keeps_the_newest_runs_and_those_younger_than_the_limit_and_never_running_ones()
    {
        for (var i = 0; i < 5; i++)
        {
            await Store.RecordAsync(Runs.Record(Runs.Finished(Runs.Pipeline($"r{i}", $"u{i}", created: i * 100), true)), Cancel);
        }

        await Store.RecordAsync(Runs.Record(Runs.Running(Runs.Pipeline("running", "ur", created: 0))), Cancel);

        Assert.Equal(["r2", "r1", "r0"], (await Store.PruneCandidatesAsync(2, null, Cancel)).Select(r => r.Name));
        Assert.Equal(["r1", "r0"], (await Store.PruneCandidatesAsync(2, Runs.Start.AddSeconds(150), Cancel)).Select(r => r.Name));
        Assert.Empty(await Store.PruneCandidatesAsync(10, null, Cancel));
    }

    [Fact]
    public async Task Definitions_get_a_new_version_only_when_they_change()
    {
        var task = new TaskDefinition { Metadata = new() { Name = "compile" }, Spec = new TaskSpec { Steps = [new Step { Name = "make", Image = "busybox" }] } };

        Assert.Equal((1L, true), await Store.ApplyAsync(task, Cancel));
        Assert.Equal((1L, false), await Store.ApplyAsync(task, Cancel));
        var changed = task with { Spec = new TaskSpec { Steps = [new Step { Name = "make", Image = "alpine" }] } };
        Assert.Equal((2L, true), await Store.ApplyAsync(changed, Cancel));
        await Store.ApplyAsync(new Model.Pipelines.PipelineDefinition { Metadata = new() { Name = "build" } }, Cancel);

        var latest = await Store.ListDefinitionsAsync("Task", Cancel);
        Assert.Equal(("compile", 2L), (Assert.Single(latest).Name, latest[0].Version));
        Assert.Equal(2, (await Store.ListDefinitionsAsync(null, Cancel)).Count);
        var first = await Store.GetDefinitionAsync("Task", "compile", 1, Cancel);
        Assert.Equal("busybox", ReadBack<TaskDefinition>(first!.Resource).Spec.Steps.Single().Image);
        Assert.Equal(2, (await Store.GetDefinitionAsync("Task", "compile", null, Cancel))!.Version);
        Assert.Null(await Store.GetDefinitionAsync("Pipeline", "compile", null, Cancel));
    }

    [Fact]
    public async Task Many_writers_at_once_lose_nothing()
    {
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            var uid = $"w{i}";
            var run = Runs.Pipeline($"writer-{i}", uid);
            await Store.RecordAsync(Runs.Record(run), Cancel);
            for (var t = 0; t < 5; t++)
            {
                await Store.RecordAsync(Runs.Record(Runs.Task($"writer-{i}-t{t}", $"{uid}-{t}", run.Metadata.Name!, running: false), uid), Cancel);
                await Store.RecordLogAsync(new LogRecord(uid, $"writer-{i}-t{t}", "step-make", "/x", t), Cancel);
            }

            await Store.RecordAsync(Runs.Record(Runs.Finished(Runs.Running(run), true)), Cancel);
        }));

        var runs = await Store.ListAsync(new RunQuery { Limit = 100 }, Cancel);
        Assert.Equal(16, runs.Count);
        Assert.All(runs, r => Assert.Equal("True", r.Succeeded));
        foreach (var run in runs)
        {
            var stored = await Store.GetAsync(run.Uid, Cancel);
            Assert.Equal(5, stored!.Children.Length);
            Assert.Equal([0L, 1, 2, 3, 4], stored.Logs.Select(l => l.Bytes));
        }
    }

    private static T ReadBack<T>(string json)
        where T : class
    {
        var diagnostics = new Model.Diagnostics.DiagnosticBag();
        var resources = ResourceReader.ReadText(json, "stored.json", diagnostics);
        Assert.False(diagnostics.HasErrors, string.Join("\n", diagnostics.ToImmutable().Select(d => d.ToString())));
        return Assert.IsType<T>(Assert.Single(resources).Resource);
    }
}
