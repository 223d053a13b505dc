using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Sluice.Engine.Caching;
using Sluice.Engine.CustomTasks;
using Sluice.Engine.Runs;
using Sluice.Model.Diagnostics;
using Sluice.Model.Loading;
using Sluice.Model.Runs;

namespace Sluice.Engine.Tests.Harness;

/// <summary>
/// Runs the one TaskRun or PipelineRun of a YAML text (with the Tasks, Pipelines and StepActions it uses)
/// through the real engine on a <see cref="RecordingExecutor"/>, and collects what a test asserts on.
/// </summary>
public sealed class EngineRun
{
    private readonly ScriptInterpreter _interpreter = new();

    /// <summary>Makes a harness.</summary>
    public EngineRun()
    {
        Executor = new RecordingExecutor(_interpreter);
    }

    /// <summary>How many TaskRuns may run at once.</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>
    /// Fake time for timeout tests. While the run is in progress the harness moves it forward by
    /// <see cref="TimeStep"/> every millisecond, so that a 10-second timeout fires after about 10 ms.
    /// Null runs on the system clock.
    /// </summary>
    public FakeTimeProvider? Time { get; init; }

    /// <summary>How far fake time moves on each tick.</summary>
    public TimeSpan TimeStep { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether the YAML may have static validation errors (for tests of what the engine does at run start).</summary>
    public bool AllowInvalid { get; init; }

    /// <summary>The cache TaskRuns that opt in use; none by default.</summary>
    public TaskRunCaching? Caching { get; init; }

    /// <summary>Which TaskRuns are cached, as <c>--cache</c> and <c>--no-cache</c> set it.</summary>
    public CacheMode CacheMode { get; init; } = CacheMode.Annotated;

    /// <summary>TaskRun slots shared with other harnesses, as the runs of one sluice command share them; null for the engine's own.</summary>
    public SemaphoreSlim? Slots { get; init; }

    /// <summary>The custom tasks a <c>taskRef: {apiVersion, kind}</c> finds.</summary>
    public IReadOnlyList<ICustomTask> CustomTasks { get; init; } = [];

    /// <summary>The executor, for timings and sandbox counts.</summary>
    public RecordingExecutor Executor { get; }

    /// <summary>Completes when a step runs <c>signal NAME</c>.</summary>
    public Task WaitForSignalAsync(string name) =>
        _interpreter.WaitForSignalAsync(name).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

    /// <summary>Runs the run of <paramref name="yaml"/> to completion.</summary>
    public Task<RunOutcome> RunAsync(string yaml) => RunCancellableAsync(yaml, TestContext.Current.CancellationToken);

    /// <summary>Runs the run of <paramref name="yaml"/> to completion; the token cancels the run as a user would.</summary>
    public async Task<RunOutcome> RunCancellableAsync(string yaml, CancellationToken cancellationToken)
    {
        var diagnostics = new DiagnosticBag();
        var resources = ResourceSet.FromResources(ResourceReader.ReadText(yaml, "test.yaml", diagnostics), diagnostics);
        if (diagnostics.HasErrors && !AllowInvalid)
        {
            throw new InvalidOperationException("the test YAML is invalid:\n" + string.Join("\n", diagnostics.ToImmutable()));
        }

        var run = resources.Runs.Single().Resource;
        var observer = new Collector();
        var options = new EngineOptions { Concurrency = Concurrency, Cache = CacheMode };
        var engine = new RunEngine(Executor, new CustomTaskResolver(new ResourceSetResolver(resources), CustomTasks), observer, options, Time, new FixedRunNames(), Caching, Slots);
        var running = engine.RunAsync(engine.Prepare(run), cancellationToken);
        if (Time is { } time)
        {
            while (!running.IsCompleted)
            {
                time.Advance(TimeStep);
                await Task.WhenAny(running, Task.Delay(1, CancellationToken.None));
            }
        }

        var finished = await running.WaitAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
        return new RunOutcome(finished, observer.TaskRuns(), observer.Logs(), Executor, [.. _interpreter.Steps]);
    }

    private sealed class Collector : IRunObserver
    {
        private readonly ConcurrentDictionary<string, (string? PipelineTask, TaskRun Run)> _taskRuns = new(StringComparer.Ordinal);
        private readonly ConcurrentQueue<StepOutput> _output = new();

        public ValueTask OnEventAsync(RunEvent runEvent, CancellationToken cancellationToken)
        {
            switch (runEvent)
            {
                case TaskRunUpdated updated:
                    _taskRuns[updated.TaskRun.Metadata.Name ?? string.Empty] = (updated.PipelineTask, updated.TaskRun);
                    break;
                case StepOutput output:
                    _output.Enqueue(output);
                    break;
            }

            return ValueTask.CompletedTask;
        }

        public IReadOnlyDictionary<string, (string? PipelineTask, TaskRun Run)> TaskRuns() => _taskRuns.ToDictionary(StringComparer.Ordinal);

        public IReadOnlyList<StepOutput> Logs() => [.. _output];
    }
}
