using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.Time.Testing;
using Sluice.Engine.Runs;
using Sluice.Model.Kubernetes;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;

namespace Sluice.Store.Tests;

/// <summary>
/// The recorder writes behind the run: a run's first change and its end are written within a few
/// milliseconds, the started run's end is in the history before the event returns, the changes in between
/// wait for a window and only the latest of each run is written.
/// </summary>
public sealed class RunRecorderTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    private readonly string _directory = Directory.CreateTempSubdirectory("sluice-recorder-").FullName;
    private readonly FakeTimeProvider _time = new(Runs.Start);
    private RunStore? _store;
    private CountingStore? _counting;

    private RunStore Store => _store ?? throw new InvalidOperationException("the store is not open");

    private CountingStore Counting => _counting ?? throw new InvalidOperationException("the store is not open");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _store = await RunStore.OpenAsync(StoreLocation.Sqlite(Path.Combine(_directory, "sluice.db")), null, Cancel);
        _counting = new CountingStore(_store);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_task_runs_first_change_and_its_end_are_written_without_the_window()
    {
        await using var recorder = Recorder();
        var running = Runs.Task("p-compile", "t1", "p");

        await recorder.OnEventAsync(new TaskRunUpdated(Runs.Start, running, "compile"), Cancel);
        await WaitUntilAsync(() => Counting.Batches.Count == 1, advance: false);
        Assert.Equal("Running", (await Store.GetAsync("t1", Cancel))?.Summary.Reason);

        await recorder.OnEventAsync(new TaskRunUpdated(Runs.Start, Runs.Task("p-compile", "t1", "p", running: false), "compile"), Cancel);
        await WaitUntilAsync(() => Counting.Batches.Count == 2, advance: false);
        Assert.Equal("Succeeded", (await Store.GetAsync("t1", Cancel))?.Summary.Reason);
    }

    [Fact]
    public async Task Starts_and_ends_close_together_share_a_write()
    {
        await using var recorder = Recorder();

        await recorder.OnEventAsync(new TaskRunUpdated(Runs.Start, Runs.Task("p-compile", "t1", "p", running: false), "compile"), Cancel);
        await Task.Delay(50, Cancel);
        Assert.Empty(Counting.Batches);
        await recorder.OnEventAsync(new TaskRunUpdated(Runs.Start, Runs.Task("p-test", "t2", "p"), "test"), Cancel);

        await WaitUntilAsync(() => Counting.Batches.Count == 1, advance: false);
        Assert.Equal([["t1:Succeeded", "t2:Running"]], Counting.Batches);
    }

    [Fact]
    public async Task The_started_runs_end_is_in_the_history_with_everything_before_it_when_the_event_returns()
    {
        await using var recorder = Recorder();
        var run = Runs.Running(Runs.Pipeline("p", "p1"));
        await recorder.OnEventAsync(new PipelineRunUpdated(Runs.Start, run), Cancel);
        var running = Runs.Task("p-compile", "t1", "p");
        await recorder.OnEventAsync(new TaskRunUpdated(Runs.Start, running, "compile"), Cancel);
        await recorder.OnEventAsync(new TaskRunUpdated(Runs.Start, running with { Status = running.Status! with { PodName = "moved" } }, "compile"), Cancel);

        await recorder.OnEventAsync(new PipelineRunUpdated(Runs.Start, Runs.Finished(run, succeeded: true)), Cancel);

        Assert.Equal("Succeeded", (await Store.GetAsync("p1", Cancel))?.Summary.Reason);
        Assert.Contains("\"moved\"", (await Store.GetAsync("t1", Cancel))!.Resource, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changes_in_between_are_coalesced_into_the_next_write_keeping_only_the_latest()
    {
        await using var recorder = Recorder();
        var running = Runs.Task("p-compile", "t1", "p");
        await recorder.OnEventAsync(new TaskRunUpdated(Runs.Start, running, "compile"), Cancel);
        await WaitUntilAsync(() => Counting.Batches.Count == 1, advance: false);
        for (var i = 0; i < 5; i++)
        {
            var step = running.Status!.Steps[0] with { Name = $"make-{i}" };
            await recorder.OnEventAsync(new TaskRunUpdated(Runs.Start, running with { Status = running.Status with { Steps = [step] } }, "compile"), Cancel);
        }

        await recorder.OnEventAsync(new TaskRunUpdated(Runs.Start, Runs.Task("p-compile", "t1", "p", running: false), "compile"), Cancel);
        await WaitUntilAsync(() => Counting.Batches.Count == 2, advance: false);

        Assert.Equal([["t1:Running"], ["t1:Succeeded"]], Counting.Batches);
    }

    [Fact]
    public async Task A_change_in_between_alone_is_written_once_the_window_has_passed()
    {
        await using var recorder = Recorder();
        var running = Runs.Task("p-compile", "t1", "p");
        await recorder.OnEventAsync(new TaskRunUpdated(Runs.Start, running, "compile"), Cancel);
        await WaitUntilAsync(() => Counting.Batches.Count == 1, advance: false);
        var later = running with { Status = running.Status! with { PodName = "moved" } };

        await recorder.OnEventAsync(new TaskRunUpdated(Runs.Start, later, "compile"), Cancel);
        Assert.Single(Counting.Batches);

        await WaitUntilAsync(() => Counting.Batches.Count == 2);
        Assert.Contains("\"moved\"", (await Store.GetAsync("t1", Cancel))!.Resource, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disposing_the_recorder_writes_what_still_waits()
    {
        var recorder = Recorder();
        var run = Runs.Running(Runs.Pipeline("p", "p1"));
        await recorder.OnEventAsync(new PipelineRunUpdated(Runs.Start, run), Cancel);
        await WaitUntilAsync(() => Counting.Batches.Count == 1, advance: false);
        await recorder.OnEventAsync(new PipelineRunUpdated(Runs.Start, run with { Metadata = run.Metadata with { Annotations = run.Metadata.Annotations.Add("seen", "late") } }), Cancel);

        await recorder.DisposeAsync();

        Assert.Contains("\"late\"", (await Store.GetAsync("p1", Cancel))!.Resource, StringComparison.Ordinal);
        Assert.Equal(2, Counting.Batches.Count);
    }

    [Fact]
    public async Task The_sources_of_a_change_that_was_replaced_are_kept_by_the_one_that_replaced_it()
    {
        var used = ImmutableArray<Sluice.Model.IResource>.Empty;
        await using var recorder = new RunRecorder(Counting, "p1", "host/1/1", (t, c) => $"/logs/{t}/{c}", () => used, time: _time);
        var run = Runs.Running(Runs.Pipeline("p", "p1"));
        await recorder.OnEventAsync(new PipelineRunUpdated(Runs.Start, run), Cancel);
        used = [new TaskDefinition { Metadata = new ObjectMeta { Name = "compile" }, Spec = new TaskSpec() }];
        await recorder.OnEventAsync(new PipelineRunUpdated(Runs.Start, run with { Metadata = run.Metadata with { Annotations = run.Metadata.Annotations.Add("a", "1") } }), Cancel);
        await recorder.OnEventAsync(new PipelineRunUpdated(Runs.Start, run with { Metadata = run.Metadata with { Annotations = run.Metadata.Annotations.Add("a", "2") } }), Cancel);

        await recorder.FlushAsync();

        Assert.Equal("compile", Assert.Single(Counting.Records.Last(r => r.Run.Metadata.Uid == "p1").Sources).Metadata.Name);
    }

    private RunRecorder Recorder() => new(Counting, "p1", "host/1/1", (t, c) => $"/logs/{t}/{c}", time: _time);

    /// <summary>
    /// Waits until the condition holds; with <paramref name="advance"/>, lets the window pass again and again
    /// meanwhile (the writer may start waiting only after the first time); without it, lets the gathering
    /// window pass, but never as much time as the coalescing window.
    /// </summary>
    private async Task WaitUntilAsync(Func<bool> condition, bool advance = true)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var gathered = TimeSpan.Zero;
        while (!condition())
        {
            Assert.True(clock.Elapsed < Limit, "the recorder never wrote");
            if (advance)
            {
                _time.Advance(RunRecorder.CoalesceWindow);
            }
            else if (gathered + RunRecorder.GatherWindow < RunRecorder.CoalesceWindow)
            {
                _time.Advance(RunRecorder.GatherWindow);
                gathered += RunRecorder.GatherWindow;
            }

            await Task.Delay(10, Cancel);
        }
    }

    /// <summary>The store, with each write of runs noted, once written, as the uid and reason of each run in it.</summary>
    private sealed class CountingStore(IRunStore store) : IRunStore
    {
        private readonly ConcurrentQueue<string[]> _batches = new();
        private readonly ConcurrentQueue<RunRecord> _records = new();

        public IReadOnlyList<string[]> Batches => [.. _batches];

        public IReadOnlyList<RunRecord> Records => [.. _records];

        public ValueTask RecordAsync(RunRecord record, CancellationToken cancellationToken) => RecordAsync([record], cancellationToken);

        public async ValueTask RecordAsync(IReadOnlyCollection<RunRecord> records, CancellationToken cancellationToken)
        {
            await store.RecordAsync(records, cancellationToken);
            foreach (var record in records)
            {
                _records.Enqueue(record);
            }

            _batches.Enqueue([.. records.Select(r => $"{r.Run.Metadata.Uid}:{Reason(r.Run)}")]);
        }

        public ValueTask RecordLogAsync(LogRecord log, CancellationToken cancellationToken) => store.RecordLogAsync(log, cancellationToken);

        public ValueTask RecordArtifactsAsync(string rootUid, string runName, ImmutableArray<ArtifactRecord> artifacts, CancellationToken cancellationToken) =>
            store.RecordArtifactsAsync(rootUid, runName, artifacts, cancellationToken);

        public ValueTask<bool> IsCancelRequestedAsync(string rootUid, CancellationToken cancellationToken) => store.IsCancelRequestedAsync(rootUid, cancellationToken);

        private static string? Reason(Sluice.Model.IResource run) => run switch
        {
            TaskRun t => t.Status?.Conditions.FirstOrDefault()?.Reason,
            PipelineRun p => p.Status?.Conditions.FirstOrDefault()?.Reason,
            _ => null,
        };
    }
}
