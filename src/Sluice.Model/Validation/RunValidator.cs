using System.Collections.Immutable;
using Sluice.Model.Diagnostics;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;

namespace Sluice.Model.Validation;

/// <summary>Static checks of TaskRuns and PipelineRuns (taskrun_validation.go, pipelinerun_validation.go).</summary>
public static partial class RunValidator
{
    /// <summary>The pipeline timeout PipelineRunSpec.SetDefaults gives a run before validation (default-timeout-minutes).</summary>
    private static readonly Duration DefaultPipelineTimeout = Duration.From(TimeSpan.FromMinutes(60));

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
            context.Missing(taskRef, "name", "spec.taskRef.name", "name the Task to run");
        }

        if (spec.TaskSpec is { } taskSpec)
        {
            TaskValidator.Validate(context, taskSpec, "spec.taskSpec");
        }

        ValidateParams(context, spec.Params, "spec.params");
        ValidateInlineParameters(context, spec);
        ValidateBindings(context, spec.Workspaces, "spec.workspaces");
        for (var i = 0; i < spec.Workspaces.Length; i++)
        {
            if (Duplicate(spec.Workspaces, i, w => w.Name))
            {
                context.Error(spec.Workspaces[i], "name", $"spec.workspaces[{i}].name", "expected exactly one, got both", $"workspace {GoQuote.Of(spec.Workspaces[i].Name)} is bound more than once; names are compared ignoring case");
            }
        }

        if (spec.RunStatus is not null and not ("TaskRunCancelled" or "TaskRunPending"))
        {
            context.Error(spec, "status", "spec.status", $"invalid value: {spec.RunStatus} should be TaskRunCancelled or TaskRunPending", "use TaskRunCancelled or TaskRunPending");
        }

        if (spec.Retries is < 0)
        {
            context.Error(spec, "retries", "spec.retries", $"invalid value: {spec.Retries} should be >= 0", "give 0 or more retries");
        }

        if (spec.Timeout is { } timeout && timeout.Nanoseconds < 0)
        {
            context.Error(spec, "timeout", "spec.timeout", $"invalid value: {timeout} should be >= 0", "give a positive timeout, or 0 for none");
        }

        UniqueNames(context, spec.StepSpecs, s => s.Name, "spec.stepSpecs");
        UniqueNames(context, spec.SidecarSpecs, s => s.Name, "spec.sidecarSpecs");
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
            context.Missing(pipelineRef, "name", "spec.pipelineRef.name", "name the Pipeline to run");
        }

        if (spec.PipelineSpec is { } pipelineSpec)
        {
            PipelineValidator.Validate(context, pipelineSpec, "spec.pipelineSpec", standalone: false);
        }

        ValidateParams(context, spec.Params, "spec.params");
        ValidateTimeouts(context, spec.Timeouts);
        if (spec.RunStatus is not null and not ("Cancelled" or "CancelledRunFinally" or "StoppedRunFinally" or "PipelineRunPending"))
        {
            context.Error(spec, "status", "spec.status", $"invalid value: {spec.RunStatus} should be Cancelled, CancelledRunFinally, StoppedRunFinally or PipelineRunPending", "use Cancelled, CancelledRunFinally, StoppedRunFinally or PipelineRunPending");
        }

        ValidateBindings(context, spec.Workspaces, "spec.workspaces");
        var firstIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < spec.Workspaces.Length; i++)
        {
            var name = spec.Workspaces[i].Name;
            if (firstIndex.TryGetValue(name, out var previous))
            {
                context.Error(spec.Workspaces[i], "name", $"spec.workspaces[{i}].name", $"workspace {GoQuote.Of(name)} provided by pipelinerun more than once, at index {previous} and {i}", "bind each workspace once");
            }

            firstIndex[name] = i;
        }

        UniqueNames(context, spec.TaskRunSpecs, s => s.PipelineTaskName, "spec.taskRunSpecs");
    }

    /// <summary>
    /// validatePipelineTimeout, after SetDefaults gave the run a pipeline timeout: tasks and finally fit in it,
    /// and "0" (no timeout) under a limited pipeline is refused.
    /// </summary>
    private static void ValidateTimeouts(ValidationContext context, TimeoutFields? timeouts)
    {
        if (timeouts is null)
        {
            return;
        }

        foreach (var (value, field) in new[] { (timeouts.Tasks, "tasks"), (timeouts.Finally, "finally"), (timeouts.Pipeline, "pipeline") })
        {
            if (value is { } d && d.Nanoseconds < 0)
            {
                context.Error(timeouts, field, $"spec.timeouts.{field}", $"invalid value: {d} should be >= 0", "give a positive timeout, or 0 for none");
            }
        }

        var pipeline = timeouts.Pipeline ?? DefaultPipelineTimeout;
        foreach (var (value, field) in new[] { (timeouts.Tasks, "tasks"), (timeouts.Finally, "finally") })
        {
            if (value is not { } d || pipeline == Duration.Zero)
            {
                continue;
            }

            if (d == Duration.Zero)
            {
                context.Error(timeouts, field, $"spec.timeouts.{field}", $"invalid value: {d} (no timeout) should be <= pipeline duration", $"give {field} a timeout no longer than the pipeline's {pipeline}");
            }
            else if (d.CompareTo(pipeline) > 0)
            {
                context.Error(timeouts, field, $"spec.timeouts.{field}", $"invalid value: {d} should be <= pipeline duration", $"make {field} no longer than the pipeline timeout, {pipeline}");
            }
        }

        if (timeouts is { Tasks: { } t, Finally: { } f } && (decimal)t.Nanoseconds + f.Nanoseconds > pipeline.Nanoseconds)
        {
            foreach (var field in new[] { "tasks", "finally" })
            {
                context.Error(timeouts, field, $"spec.timeouts.{field}", $"invalid value: {t} + {f} should be <= pipeline duration", "tasks and finally together must fit in the pipeline timeout");
            }
        }
    }

    /// <summary>ValidateParameters: validateNoDuplicateNames(names, false), which compares names ignoring case and reports by key.</summary>
    private static void ValidateParams(ValidationContext context, ImmutableArray<Param> parameters, string path)
    {
        for (var i = 0; i < parameters.Length; i++)
        {
            if (Duplicate(parameters, i, p => p.Name))
            {
                context.Error(parameters[i], "name", $"{path}[{parameters[i].Name}].name", "expected exactly one, got both", $"param {GoQuote.Of(parameters[i].Name)} is given more than once; names are compared ignoring case");
            }
        }
    }

    /// <summary>WorkspaceBinding.Validate: exactly one volume source, and the source names what it uses.</summary>
    private static void ValidateBindings(ValidationContext context, ImmutableArray<WorkspaceBinding> bindings, string path)
    {
        const string sources = "bind the workspace to one of emptyDir, persistentVolumeClaim, volumeClaimTemplate, configMap, secret, projected or csi";
        for (var i = 0; i < bindings.Length; i++)
        {
            var binding = bindings[i];
            var itemPath = $"{path}[{i}]";
            var count = new[] { binding.EmptyDir is not null, binding.PersistentVolumeClaim is not null, binding.VolumeClaimTemplate is not null, binding.ConfigMap is not null, binding.Secret is not null, binding.Projected is not null, binding.Csi is not null }.Count(x => x);
            if (count != 1)
            {
                context.Error(binding, null, itemPath, count == 0 ? "expected exactly one, got neither" : "expected exactly one, got both", sources);
            }
            else if (binding.PersistentVolumeClaim is { ClaimName.Length: 0 })
            {
                context.Error(binding, "persistentVolumeClaim", $"{itemPath}.persistentvolumeclaim.claimname", "missing field(s)", "name the claim: persistentVolumeClaim: {claimName: ...}");
            }
            else if (binding.ConfigMap is { Name: null or "" })
            {
                context.Error(binding, "configMap", $"{itemPath}.configmap.name", "missing field(s)", "name the ConfigMap: configMap: {name: ...}");
            }
            else if (binding.Secret is { SecretName: null or "" })
            {
                context.Error(binding, "secret", $"{itemPath}.secret.secretName", "missing field(s)", "name the Secret: secret: {secretName: ...}");
            }
            else if (binding.Projected is { Sources.IsEmpty: true })
            {
                context.Error(binding, "projected", $"{itemPath}.projected.sources", "missing field(s)", "list the projected sources");
            }
            else if (binding.Csi is System.Text.Json.Nodes.JsonObject csi && csi["driver"] is null)
            {
                context.Error(binding, "csi", $"{itemPath}.csi.driver", "missing field(s)", "name the CSI driver");
            }
        }
    }

    /// <summary>validateNoDuplicateNames(names, true): names compared ignoring case, reported by index.</summary>
    private static void UniqueNames<T>(ValidationContext context, ImmutableArray<T> items, Func<T, string> name, string path)
        where T : notnull
    {
        for (var i = 0; i < items.Length; i++)
        {
            if (name(items[i]).Length > 0 && Duplicate(items, i, name))
            {
                context.Error(items[i], "name", $"{path}[{i}].name", "expected exactly one, got both", $"{GoQuote.Of(name(items[i]))} appears more than once; names are compared ignoring case");
            }
        }
    }

    /// <summary>Whether an earlier item has the same name, ignoring case as Tekton's strings.ToLower comparison does.</summary>
    private static bool Duplicate<T>(ImmutableArray<T> items, int index, Func<T, string> name)
    {
        for (var j = 0; j < index; j++)
        {
            if (string.Equals(name(items[j]), name(items[index]), StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
