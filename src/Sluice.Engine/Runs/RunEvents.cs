using Sluice.Engine.Execution;
using Sluice.Model.Runs;

namespace Sluice.Engine.Runs;

/// <summary>Something that happened in a run. Observers receive them in order per TaskRun.</summary>
/// <param name="Time">When it happened.</param>
public abstract record RunEvent(DateTimeOffset Time);

/// <summary>A PipelineRun started or changed state.</summary>
/// <param name="Time">When.</param>
/// <param name="PipelineRun">The run, with its status.</param>
public sealed record PipelineRunUpdated(DateTimeOffset Time, PipelineRun PipelineRun) : RunEvent(Time);

/// <summary>A TaskRun started or changed state (steps started or ended, retried, finished).</summary>
/// <param name="Time">When.</param>
/// <param name="TaskRun">The run, with its status.</param>
/// <param name="PipelineTask">The pipeline task it runs, or null for a TaskRun run alone.</param>
public sealed record TaskRunUpdated(DateTimeOffset Time, TaskRun TaskRun, string? PipelineTask) : RunEvent(Time);

/// <summary>A pipeline task will not run.</summary>
/// <param name="Time">When.</param>
/// <param name="PipelineRunName">The PipelineRun.</param>
/// <param name="PipelineTask">The pipeline task.</param>
/// <param name="Reason">Tekton's skip reason.</param>
public sealed record TaskSkipped(DateTimeOffset Time, string PipelineRunName, string PipelineTask, string Reason) : RunEvent(Time);

/// <summary>Output of a step or sidecar.</summary>
/// <param name="Time">When.</param>
/// <param name="TaskRunName">The TaskRun.</param>
/// <param name="PipelineTask">Its pipeline task, or null.</param>
/// <param name="Container">The step or sidecar name, such as <c>step-build</c> or <c>sidecar-db</c>.</param>
/// <param name="Chunk">The bytes, valid only while the observer handles the event: one that keeps them copies them.</param>
public sealed record StepOutput(DateTimeOffset Time, string TaskRunName, string? PipelineTask, string Container, OutputChunk Chunk) : RunEvent(Time);

/// <summary>Receives a run's events. Called concurrently for independent TaskRuns; awaited, so a slow observer slows the step whose output it handles.</summary>
public interface IRunObserver
{
    /// <summary>Handles one event.</summary>
    ValueTask OnEventAsync(RunEvent runEvent, CancellationToken cancellationToken);
}

/// <summary>An observer that ignores everything.</summary>
public sealed class NullRunObserver : IRunObserver
{
    /// <summary>The shared instance.</summary>
    public static NullRunObserver Instance { get; } = new();

    /// <inheritdoc />
    public ValueTask OnEventAsync(RunEvent runEvent, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>Sends each event to several observers in turn.</summary>
/// <param name="observers">The observers.</param>
public sealed class CompositeRunObserver(params IRunObserver[] observers) : IRunObserver
{
    /// <inheritdoc />
    public async ValueTask OnEventAsync(RunEvent runEvent, CancellationToken cancellationToken)
    {
        foreach (var observer in observers)
        {
            await observer.OnEventAsync(runEvent, cancellationToken).ConfigureAwait(false);
        }
    }
}
