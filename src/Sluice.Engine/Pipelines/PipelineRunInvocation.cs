using Sluice.Engine.Tasks;
using Sluice.Model.Runs;

namespace Sluice.Engine.Pipelines;

/// <summary>One PipelineRun to run.</summary>
public sealed record PipelineRunInvocation
{
    /// <summary>The PipelineRun, named, with uid and namespace set.</summary>
    public required PipelineRun PipelineRun { get; init; }

    /// <summary>The uid of the top-level run (this one, or the parent of a child pipeline).</summary>
    public required string RunUid { get; init; }

    /// <summary>Why the run may be stopped from outside (a parent pipeline's cancellation or timeout).</summary>
    public StopSignal? Stop { get; init; }
}
