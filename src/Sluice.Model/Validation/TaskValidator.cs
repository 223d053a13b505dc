using System.Collections.Immutable;
using Sluice.Model.Diagnostics;
using Sluice.Model.Kubernetes;
using Sluice.Model.Pipelines;
using Sluice.Model.Tasks;

namespace Sluice.Model.Validation;

/// <summary>Tekton's static checks of a Task spec, with its messages (pkg/apis/pipeline/v1/task_validation.go).</summary>
public static partial class TaskValidator
{
    private static readonly ImmutableHashSet<string> TaskRunContext = ["name", "namespace", "uid"];
    private static readonly ImmutableHashSet<string> TaskContext = ["name", "retry-count"];

    /// <summary>Checks a Task spec as TaskSpec.Validate does; param usage is checked apart (<see cref="ValidateParameterUsage(ValidationContext, TaskSpec, IReadOnlyCollection{ParamSpec}, string)"/>).</summary>
    /// <param name="context">Where to report.</param>
    /// <param name="spec">The spec.</param>
    /// <param name="path">Its field path, such as <c>spec</c> or <c>spec.pipelineSpec.tasks[0].taskSpec</c>.</param>
    public static void Validate(ValidationContext context, TaskSpec spec, string path)
    {
        if (spec.Steps.IsEmpty)
        {
            context.Missing(spec, "steps", ValidationContext.Join(path, "steps"), "add at least one step with an image and a script or command");
        }

        ValidateVolumes(context, spec, path);
        ValidateWorkspaces(context, spec, path);
        ValidateSteps(context, spec, path);
        ValidateSidecars(context, spec, path);
        ValidateParams(context, spec.Params, spec, ValidationContext.Join(path, "params"));
        ValidateArrayUsage(
            context,
            spec,
            path,
            spec.Params.Where(p => p.Type == ParamType.Array).Select(p => p.Name).ToImmutableHashSet(StringComparer.Ordinal),
            spec.Params.Where(p => p.Type == ParamType.Object).Select(p => p.Name).ToImmutableHashSet(StringComparer.Ordinal));
        ValidateVariables(context, spec, path, "context\\.taskRun", TaskRunContext);
        ValidateVariables(context, spec, path, "context\\.task", TaskContext);
        ValidateResultVariables(context, spec, path);
        ValidateResults(context, spec.Results, ValidationContext.Join(path, "results"));
    }

    private static void ValidateVolumes(ValidationContext context, TaskSpec spec, string path)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < spec.Volumes.Length; i++)
        {
            var volume = spec.Volumes[i];
            if (!names.Add(volume.Name))
            {
                context.Error(volume, "name", $"{ValidationContext.Join(path, "volumes", i)}.name", $"multiple volumes with same name {GoQuote.Of(volume.Name)}", "give each volume a unique name");
            }
        }
    }

    private static void ValidateWorkspaces(ValidationContext context, TaskSpec spec, string path)
    {
        var mountPaths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var mount in spec.Steps.SelectMany(s => s.VolumeMounts).Concat(spec.StepTemplate?.VolumeMounts ?? []))
        {
            mountPaths.Add(CleanPath(mount.MountPath));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < spec.Workspaces.Length; i++)
        {
            var workspace = spec.Workspaces[i];
            var itemPath = ValidationContext.Join(path, "workspaces", i);
            if (!names.Add(workspace.Name))
            {
                context.Error(workspace, "name", $"{itemPath}.name", $"workspace name {GoQuote.Of(workspace.Name)} must be unique", "give each workspace a unique name");
            }

            var mountPath = CleanPath(workspace.MountPath ?? $"/workspace/{workspace.Name}");
            if (!mountPaths.Add(mountPath))
            {
                context.Error(workspace, "mountPath", $"{itemPath}.mountpath", $"workspace mount path {GoQuote.Of(mountPath)} must be unique", "give each workspace its own mountPath");
            }
        }

        for (var s = 0; s < spec.Steps.Length; s++)
        {
            CheckUsages(context, spec.Steps[s].Workspaces, names, ValidationContext.Join(path, "steps", s));
        }

        for (var s = 0; s < spec.Sidecars.Length; s++)
        {
            CheckUsages(context, spec.Sidecars[s].Workspaces, names, ValidationContext.Join(path, "sidecars", s));
        }

        static void CheckUsages(ValidationContext context, ImmutableArray<WorkspaceUsage> usages, HashSet<string> names, string path)
        {
            for (var w = 0; w < usages.Length; w++)
            {
                if (!names.Contains(usages[w].Name))
                {
                    context.Error(usages[w], "name", $"{ValidationContext.Join(path, "workspaces", w)}.name", $"undefined workspace {GoQuote.Of(usages[w].Name)}", "declare it in the Task's workspaces");
                }
            }
        }
    }

    private static void ValidateSteps(ValidationContext context, TaskSpec spec, string path)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < spec.Steps.Length; i++)
        {
            var step = spec.Steps[i];
            var stepPath = ValidationContext.Join(path, "steps", i);
            if (!string.IsNullOrEmpty(step.Name) && !names.Add(step.Name))
            {
                context.Error(step, "name", $"{stepPath}.name", "expected exactly one, got both", "give each step a unique name");
            }

            if (step.Ref is not null)
            {
                foreach (var (present, field, label) in new (bool, string, string)[]
                {
                    (step.Image is not null, "image", "image"),
                    (!step.Command.IsEmpty, "command", "command"),
                    (!step.Args.IsEmpty, "args", "args"),
                    (step.Script is not null, "script", "script"),
                    (step.WorkingDir is not null, "workingDir", "working dir"),
                    (!step.Env.IsEmpty, "env", "env"),
                    (!step.VolumeMounts.IsEmpty, "volumeMounts", "volumeMounts"),
                    (!step.Results.IsEmpty, "results", "results"),
                })
                {
                    if (present)
                    {
                        context.Error(step, field, $"{stepPath}.{field}", $"{label} cannot be used with Ref", "move it into the StepAction or remove it");
                    }
                }

                if (step.Ref.Name is null && step.Ref.Resolver is null)
                {
                    context.Missing(step.Ref, "name", $"{stepPath}.ref.name", "name the StepAction");
                }
            }
            else
            {
                if (!step.Params.IsEmpty)
                {
                    context.Error(step, "params", $"{stepPath}.params", "params cannot be used without Ref", "remove params, or use ref to run a StepAction");
                }

                if (string.IsNullOrEmpty(step.Image) && string.IsNullOrEmpty(spec.StepTemplate?.Image))
                {
                    context.Missing(step, "image", $"{stepPath}.Image", "give the step an image, or set one in stepTemplate");
                }

                if (!string.IsNullOrEmpty(step.Script) && !step.Command.IsEmpty)
                {
                    context.Error(step, "script", $"{stepPath}.script", "script cannot be used with command", "put the command in the script, or drop the script");
                }
            }

            if (!string.IsNullOrEmpty(step.Name) && !Names.IsDnsLabel(step.Name) && !step.Name.Contains("$(", StringComparison.Ordinal))
            {
                context.Error(step, "name", $"{stepPath}.name", $"invalid value {GoQuote.Of(step.Name)}", "Task step name must be a valid DNS Label: lowercase letters, digits and '-', at most 63 characters");
            }

            if (step.Timeout is { } timeout && timeout.Value < TimeSpan.Zero)
            {
                context.Error(step, "timeout", $"{stepPath}.negative timeout", $"invalid value: {timeout}", "give a timeout of zero or more, such as 10m");
            }

            for (var m = 0; m < step.VolumeMounts.Length; m++)
            {
                ValidateMount(context, step.VolumeMounts[m], $"{stepPath}.volumeMounts[{m}]");
            }

            if (!string.IsNullOrEmpty(step.OnError) && !step.OnError.StartsWith("$(params", StringComparison.Ordinal) && step.OnError is not ("continue" or "stopAndFail"))
            {
                context.Error(step, "onError", $"{stepPath}.onError", $"invalid value: {GoQuote.Of(step.OnError)}", "Task step onError must be either \"continue\" or \"stopAndFail\"");
            }

            ValidateStepResultReferences(context, step, stepPath);
            ValidateEnv(context, step.Env, stepPath);
            ValidateResults(context, step.Results, $"{stepPath}.results");
            if (!step.Results.IsEmpty || step.Script?.Contains("step.results", StringComparison.Ordinal) == true)
            {
                var declared = step.Results.Select(r => r.Name).ToImmutableHashSet(StringComparer.Ordinal);
                CheckUnknown(context, step, "script", $"{stepPath}.script", step.Script, "step.results", declared);
            }

            WhenValidator.Validate(context, step.When, $"{stepPath}.when", allowCel: false);
        }
    }

    private static void ValidateSidecars(ValidationContext context, TaskSpec spec, string path)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < spec.Sidecars.Length; i++)
        {
            var sidecar = spec.Sidecars[i];
            var sidecarPath = ValidationContext.Join(path, "sidecars", i);
            if (string.IsNullOrEmpty(sidecar.Image))
            {
                context.Missing(sidecar, "image", $"{sidecarPath}.image", "give the sidecar an image");
            }

            if (!string.IsNullOrEmpty(sidecar.Script) && !sidecar.Command.IsEmpty)
            {
                context.Error(sidecar, "script", $"{sidecarPath}.script", "script cannot be used with command", "put the command in the script, or drop the script");
            }

            if (!string.IsNullOrEmpty(sidecar.Name) && !names.Add(sidecar.Name))
            {
                context.Error(sidecar, "name", $"{sidecarPath}.name", "expected exactly one, got both", "give each sidecar a unique name");
            }

            ValidateEnv(context, sidecar.Env, sidecarPath);
        }
    }

    private static void ValidateEnv(ValidationContext context, ImmutableArray<EnvVar> env, string path)
    {
        for (var e = 0; e < env.Length; e++)
        {
            if (!Names.IsEnvName(env[e].Name))
            {
                context.Error(env[e], "name", $"{path}.env[{e}].name", $"invalid environment variable name {GoQuote.Of(env[e].Name)}", "use letters, digits, '_', '-' and '.', not starting with a digit");
            }
        }
    }

    private static void ValidateMount(ValidationContext context, VolumeMount mount, string path)
    {
        var clean = CleanPath(mount.MountPath);
        if (clean.StartsWith("/tekton/", StringComparison.Ordinal) && !clean.StartsWith("/tekton/home", StringComparison.Ordinal))
        {
            context.Error(mount, "mountPath", $"{path}.mountPath", $"volumeMount cannot be mounted under /tekton/ (volumeMount {GoQuote.Of(mount.Name)} mounted at {GoQuote.Of(mount.MountPath)})", "mount it elsewhere; only /tekton/home may be used under /tekton/");
        }

        if (mount.Name.StartsWith("tekton-internal-", StringComparison.Ordinal))
        {
            context.Error(mount, "name", $"{path}.name", $"volumeMount name {GoQuote.Of(mount.Name)} cannot start with \"tekton-internal-\"", "rename the volume mount");
        }
    }

    internal static string CleanPath(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == ".." && parts.Count > 0)
            {
                parts.RemoveAt(parts.Count - 1);
                continue;
            }

            parts.Add(part);
        }

        return (path.StartsWith('/') ? "/" : string.Empty) + string.Join('/', parts);
    }

    internal static string TypeName(ParamType type) => type switch
    {
        ParamType.Array => "array",
        ParamType.Object => "object",
        _ => "string",
    };
}
