using Sluice.Engine.Execution;
using Sluice.Engine.Runs;
using Sluice.Model.Runs;

namespace Sluice.Engine.Tasks;

/// <summary>A step's output copied into the files its stdoutConfig and stderrConfig name.</summary>
public sealed partial class TaskRunRunner
{
    private async Task PumpAsync(IStepProcess process, TaskRun run, TaskRunInvocation invocation, StepOutputFiles files)
    {
        await foreach (var chunk in process.TailAsync(CancellationToken.None).ConfigureAwait(false))
        {
            await files.WriteAsync(chunk, CancellationToken.None).ConfigureAwait(false);
            await _observer.OnEventAsync(new StepOutput(_time.GetUtcNow(), run.Metadata.Name ?? string.Empty, invocation.PipelineTask, process.Name, chunk), CancellationToken.None).ConfigureAwait(false);
        }

        await files.CloseAsync(CancellationToken.None).ConfigureAwait(false);
    }
}
