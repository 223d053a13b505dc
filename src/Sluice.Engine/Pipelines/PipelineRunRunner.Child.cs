using Sluice.Model.Kubernetes;
using Sluice.Model.Runs;

namespace Sluice.Engine.Pipelines;

/// <summary>Pipelines in pipelines: a pipeline task that runs a child PipelineRun.</summary>
public sealed partial class PipelineRunRunner
{
    private async Task RunChildPipelineAsync(PipelineTaskState state, Plan plan, PipelineRun run, PipelineRunInvocation invocation, Control control)
    {
        var task = state.Task;
        var child = new PipelineRun
        {
            Metadata = new ObjectMeta
            {
                Name = Runs.ChildNames.Make(run.Metadata.Name ?? string.Empty, $"-{task.Name}"),
                Namespace = run.Metadata.Namespace ?? _options.DefaultNamespace,
                Uid = _names.NewUid(),
                Labels = (state.IsFinally ? plan.FinallyLabels : plan.TaskLabels).SetItem("tekton.dev/pipelineTask", task.Name),
                CreationTimestamp = Now(),
            },
            Spec = new PipelineRunSpec
            {
                PipelineRef = task.PipelineRef,
                PipelineSpec = task.PipelineSpec,
                Params = task.Params,
                Workspaces = [.. task.Workspaces
                    .Select(binding => (binding, bound: run.Spec.Workspaces.FirstOrDefault(b => b.Name == (binding.Workspace ?? binding.Name))))
                    .Where(x => x.bound is not null)
                    .Select(x => x.bound! with { Name = x.binding.Name, SubPath = x.binding.SubPath ?? x.bound!.SubPath })],
                TaskRunTemplate = run.Spec.TaskRunTemplate,
            },
        };
        lock (state)
        {
            state.ChildPipelineRuns.Add(child);
            state.ChildReferences.Add(new ChildStatusReference
            {
                ApiVersion = "tekton.dev/v1",
                Kind = "PipelineRun",
                Name = child.Metadata.Name ?? string.Empty,
                PipelineTaskName = state.Name,
                DisplayName = state.Task.DisplayName,
                WhenExpressions = state.Task.When,
            });
        }

        try
        {
            var finished = await RunAsync(
                new PipelineRunInvocation { PipelineRun = child, RunUid = invocation.RunUid, Stop = state.IsFinally ? control.FinallyStop : control.DagStop },
                state.IsFinally ? control.FinallyRuns.Token : control.DagRuns.Token).ConfigureAwait(false);
            lock (state)
            {
                state.ChildPipelineRuns[0] = finished;
            }
        }
        finally
        {
            lock (state)
            {
                state.Running--;
            }

            control.Wake.Writer.TryWrite(state);
        }
    }
}
