using System.Collections.Immutable;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;

namespace Sluice.Model.Validation;

/// <summary>Static checks of TaskRuns and PipelineRuns (taskrun_validation.go, pipelinerun_validation.go).</summary>
public static class RunValidator
{
    /// <summary>Checks a TaskRun.</summary>
    public static void Validate(ValidationContext context, TaskRun run)
    {
        var spec = run.Spec;
        if (spec.TaskRef is not null && spec.TaskSpec is not null)
        {
            context.Error(spec, "taskSpec", "spec.taskRef, spec.taskSpec", "expected exactly one, got both", "keep either taskRef or taskSpec");
        }
        else if (spec.TaskRef is null && spec.TaskSpec is null)
        {
            context.Error(spec, null, "spec.taskRef, spec.taskSpec", "expected exactly one, got neither", "add taskRef: {name: ...} or an inline taskSpec");
        }

        if (spec.TaskRef is { Name: null, Resolver: null } taskRef)
        {
            context.Error(taskRef, null, "spec.taskRef.name", "missing field(s)", "name the Task to run");
        }

        if (spec.TaskSpec is { } taskSpec)
        {
            TaskValidator.Validate(context, taskSpec, "spec.taskSpec", standalone: false);
        }

        ValidateParams(context, spec.Params, "spec.params");
        ValidateBindings(context, spec.Workspaces, "spec.workspaces");
        if (spec.Timeout is { } timeout && timeout.Value < TimeSpan.Zero)
        {
            context.Error(spec, "timeout", "spec.timeout", $"invalid value: {timeout} should be >= 0");
        }

        if (spec.RunStatus is not null and not ("TaskRunCancelled" or "TaskRunPending"))
        {
            context.Error(spec, "status", "spec.status", $"invalid value: {spec.RunStatus}", "use TaskRunCancelled or TaskRunPending");
        }

        Unique(context, spec.StepSpecs.Select(s => (object)s), spec.StepSpecs.Select(s => s.Name), "spec.stepSpecs");
        Unique(context, spec.SidecarSpecs.Select(s => (object)s), spec.SidecarSpecs.Select(s => s.Name), "spec.sidecarSpecs");
    }

    /// <summary>Checks a PipelineRun.</summary>
    public static void Validate(ValidationContext context, PipelineRun run)
    {
        var spec = run.Spec;
        if (spec.PipelineRef is not null && spec.PipelineSpec is not null)
        {
            context.Error(spec, "pipelineSpec", "spec.pipelineRef, spec.pipelineSpec", "expected exactly one, got both", "keep either pipelineRef or pipelineSpec");
        }
        else if (spec.PipelineRef is null && spec.PipelineSpec is null)
        {
            context.Error(spec, null, "spec.pipelineRef, spec.pipelineSpec", "expected exactly one, got neither", "add pipelineRef: {name: ...} or an inline pipelineSpec");
        }

        if (spec.PipelineRef is { Name: null, Resolver: null } pipelineRef)
        {
            context.Error(pipelineRef, null, "spec.pipelineRef.name", "missing field(s)", "name the Pipeline to run");
        }

        if (spec.PipelineSpec is { } pipelineSpec)
        {
            PipelineValidator.Validate(context, pipelineSpec, "spec.pipelineSpec", standalone: false);
        }

        ValidateParams(context, spec.Params, "spec.params");
        ValidateBindings(context, spec.Workspaces, "spec.workspaces");
        if (spec.RunStatus is not null and not ("Cancelled" or "CancelledRunFinally" or "StoppedRunFinally" or "PipelineRunPending"))
        {
            context.Error(spec, "status", "spec.status", $"invalid value: {spec.RunStatus}", "use Cancelled, CancelledRunFinally, StoppedRunFinally or PipelineRunPending");
        }

        if (spec.Timeouts is { } timeouts)
        {
            foreach (var (value, field) in new[] { (timeouts.Pipeline, "pipeline"), (timeouts.Tasks, "tasks"), (timeouts.Finally, "finally") })
            {
                if (value is { } d && d.Value < TimeSpan.Zero)
                {
                    context.Error(timeouts, field, $"spec.timeouts.{field}", $"invalid value: {d} should be >= 0");
                }
            }

            var pipeline = timeouts.Pipeline?.Value ?? TimeSpan.FromHours(1);
            if (pipeline > TimeSpan.Zero)
            {
                if (timeouts.Tasks is { } tasks && (tasks.Value > pipeline || (tasks.Value == TimeSpan.Zero && timeouts.Pipeline is not null)))
                {
                    context.Error(timeouts, "tasks", "spec.timeouts.tasks", $"invalid value: {tasks} should be <= pipeline duration", "make tasks no longer than the pipeline timeout");
                }

                if (timeouts.Finally is { } fin && (fin.Value > pipeline || (fin.Value == TimeSpan.Zero && timeouts.Pipeline is not null)))
                {
                    context.Error(timeouts, "finally", "spec.timeouts.finally", $"invalid value: {fin} should be <= pipeline duration", "make finally no longer than the pipeline timeout");
                }

                if (timeouts is { Tasks: { } t, Finally: { } f } && t.Value + f.Value > pipeline)
                {
                    context.Error(timeouts, "tasks", "spec.timeouts.tasks", $"invalid value: {t} + {f} should be <= pipeline duration", "tasks and finally together must fit in the pipeline timeout");
                }
            }
        }

        Unique(context, spec.TaskRunSpecs.Select(s => (object)s), spec.TaskRunSpecs.Select(s => s.PipelineTaskName), "spec.taskRunSpecs");
    }

    private static void ValidateParams(ValidationContext context, ImmutableArray<Param> parameters, string path)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < parameters.Length; i++)
        {
            if (!seen.Add(parameters[i].Name))
            {
                context.Error(parameters[i], "name", $"{path}[{i}].name", "expected exactly one, got both", $"param \"{parameters[i].Name}\" is given twice");
            }
        }
    }

    private static void ValidateBindings(ValidationContext context, ImmutableArray<WorkspaceBinding> bindings, string path)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < bindings.Length; i++)
        {
            var binding = bindings[i];
            if (!seen.Add(binding.Name))
            {
                context.Error(binding, "name", $"{path}[{i}].name", "expected exactly one, got both", $"workspace \"{binding.Name}\" is bound twice");
            }

            var sources = new[] { binding.EmptyDir is not null, binding.PersistentVolumeClaim is not null, binding.VolumeClaimTemplate is not null, binding.ConfigMap is not null, binding.Secret is not null, binding.Projected is not null, binding.Csi is not null }.Count(x => x);
            if (sources != 1)
            {
                context.Error(
                    binding,
                    null,
                    $"{path}[{i}]",
                    sources == 0 ? "expected exactly one, got neither" : "expected exactly one, got both",
                    "bind the workspace to one of emptyDir, persistentVolumeClaim, volumeClaimTemplate, configMap, secret, projected or csi");
            }
        }
    }

    private static void Unique(ValidationContext context, IEnumerable<object> owners, IEnumerable<string> names, string path)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (owner, name) in owners.Zip(names))
        {
            if (!seen.Add(name))
            {
                context.Error(owner, "name", path, $"expected exactly one, got both: \"{name}\" appears more than once");
            }
        }
    }
}
