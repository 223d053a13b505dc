using System.Collections.Immutable;
using Sluice.Model.Kubernetes;
using Sluice.Model.Pipelines;
using Sluice.Model.Substitution;
using Sluice.Model.Tasks;

namespace Sluice.Model.Validation;

/// <summary>Tekton's static checks of a Task spec, with its messages (pkg/apis/pipeline/v1/task_validation.go).</summary>
public static class TaskValidator
{
    private static readonly ImmutableHashSet<string> TaskRunContext = ["name", "namespace", "uid"];
    private static readonly ImmutableHashSet<string> TaskContext = ["name", "retry-count"];

    /// <summary>Checks a Task spec.</summary>
    /// <param name="context">Where to report.</param>
    /// <param name="spec">The spec.</param>
    /// <param name="path">Its field path, such as <c>spec</c> or <c>spec.pipelineSpec.tasks[0].taskSpec</c>.</param>
    /// <param name="standalone">
    /// Whether the spec belongs to a Task resource: then every param it uses must be declared (inline
    /// specs may use params propagated from their run).
    /// </param>
    /// <param name="extraParams">Params a pipeline declares, which an inline spec of a standalone Pipeline may use.</param>
    public static void Validate(ValidationContext context, TaskSpec spec, string path, bool standalone, IEnumerable<ParamSpec>? extraParams = null)
    {
        if (spec.Steps.IsEmpty)
        {
            context.Error(spec, null, ValidationContext.Join(path, "steps"), "missing field(s)", "add at least one step with an image and a script or command");
        }

        ValidateVolumes(context, spec, path);
        ValidateWorkspaces(context, spec, path);
        ValidateSteps(context, spec, path);
        ValidateSidecars(context, spec, path);
        ValidateParams(context, spec.Params, spec, ValidationContext.Join(path, "params"));
        ValidateArrayUsage(context, spec, path);
        ValidateVariables(context, spec, path, "context\\.taskRun", TaskRunContext);
        ValidateVariables(context, spec, path, "context\\.task", TaskContext);
        ValidateResultVariables(context, spec, path);
        ValidateResults(context, spec.Results, ValidationContext.Join(path, "results"));
        if (standalone || extraParams is not null)
        {
            var declared = spec.Params.Concat(extraParams ?? []).ToImmutableArray();
            ValidateVariables(context, spec, path, "params", declared.Select(p => p.Name).ToImmutableHashSet(StringComparer.Ordinal));
            foreach (var param in declared.Where(p => p.Type == ParamType.Object))
            {
                ValidateVariables(context, spec, path, "params\\." + System.Text.RegularExpressions.Regex.Escape(param.Name), param.Properties.Keys.ToImmutableHashSet(StringComparer.Ordinal));
                if (param.Properties.IsEmpty)
                {
                    context.Error(param, "properties", ValidationContext.Join(path, "params"), $"missing field(s): {param.Name}.properties", "declare the object's keys under properties");
                }
            }
        }
    }

    /// <summary>Checks param declarations: types, defaults, duplicates, names, enums.</summary>
    public static void ValidateParams(ValidationContext context, ImmutableArray<ParamSpec> parameters, object owner, string path)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < parameters.Length; i++)
        {
            var param = parameters[i];
            var itemPath = $"{path}[{i}]";
            if (!seen.Add(param.Name))
            {
                context.Error(param, "name", $"{path}.{param.Name}", "parameter appears more than once", "give each param a unique name");
            }

            if (param.TypeName is not null and not ("string" or "array" or "object"))
            {
                context.Error(param, "type", $"{path}.{param.Name}.type", $"invalid value: {param.TypeName}", "use string, array or object");
                continue;
            }

            if (param.Default is not null && param.Default.Type != param.Type)
            {
                context.Error(param, "default", $"{path}.{param.Name}.default.type", $"\"{TypeName(param.Type)}\" type does not match default value's type: \"{TypeName(param.Default.Type)}\"", "make the default a " + TypeName(param.Type));
            }

            var invalidKeys = param.Properties.Where(p => p.Value.Type is not null and not "string").Select(p => p.Key).ToList();
            if (invalidKeys.Count > 0)
            {
                context.Error(param, "properties", $"{path}.{param.Name}.properties", $"The value type specified for these keys [{string.Join(" ", invalidKeys)}] is invalid", "object keys must be of type string");
            }

            var nameValid = param.Type == ParamType.Object
                ? Names.IsObjectParamName(param.Name) && param.Properties.Keys.All(Names.IsObjectParamName)
                : Names.IsParamName(param.Name);
            if (!nameValid)
            {
                var message = param.Type == ParamType.Object
                    ? $"Object param name and key name format is invalid: map[{param.Name}:[{string.Join(" ", param.Properties.Keys.Where(k => !Names.IsObjectParamName(k)))}]]"
                    : $"The format of following array and string variable names is invalid: [{param.Name}]";
                context.Error(param, "name", itemPath, message, "names start with a letter or '_' and hold letters, digits, '-', '_'" + (param.Type == ParamType.Object ? string.Empty : " and '.'"));
            }

            if (!param.Enum.IsEmpty)
            {
                if (param.Type != ParamType.String)
                {
                    context.Error(param, "enum", $"{path}[{param.Name}]", "enum can only be set with string type param");
                }

                foreach (var duplicate in param.Enum.GroupBy(e => e, StringComparer.Ordinal).Where(g => g.Count() > 1))
                {
                    context.Error(param, "enum", $"{path}[{param.Name}]", $"parameter enum value {duplicate.Key} appears more than once");
                }

                if (param.Default is { Type: ParamType.String, StringValue.Length: > 0 } d && !param.Enum.Contains(d.StringValue))
                {
                    context.Error(param, "default", $"{path}[{param.Name}]", $"param default value {d.StringValue} not in the enum list", $"use one of: {string.Join(", ", param.Enum)}");
                }
            }
        }
    }

    /// <summary>Checks result declarations.</summary>
    public static void ValidateResults(ValidationContext context, ImmutableArray<TaskResult> results, string path)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < results.Length; i++)
        {
            var result = results[i];
            var itemPath = $"{path}[{i}]";
            if (!Names.IsResultName(result.Name))
            {
                context.Error(result, "name", $"{itemPath}.name", $"invalid key name \"{result.Name}\"", "result names hold letters, digits, '-', '_' and '.', and start and end with a letter or digit");
            }
            else if (!seen.Add(result.Name))
            {
                context.Error(result, "name", $"{itemPath}.name", $"result name \"{result.Name}\" appears more than once");
            }

            if (result.TypeName is not null and not ("string" or "array" or "object"))
            {
                context.Error(result, "type", $"{itemPath}.type", $"invalid value: {result.TypeName}", "type must be string, array or object");
            }

            if (result.Type == ParamType.Object && result.Properties.IsEmpty)
            {
                context.Error(result, "properties", $"{itemPath}.properties", $"missing field(s): {result.Name}.properties", "declare the object's keys under properties");
            }
        }
    }

    private static void ValidateVolumes(ValidationContext context, TaskSpec spec, string path)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < spec.Volumes.Length; i++)
        {
            var volume = spec.Volumes[i];
            if (!names.Add(volume.Name))
            {
                context.Error(volume, "name", $"{ValidationContext.Join(path, "volumes", i)}.name", $"multiple volumes with same name \"{volume.Name}\"", "give each volume a unique name");
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
                context.Error(workspace, "name", $"{itemPath}.name", $"workspace name \"{workspace.Name}\" must be unique");
            }

            var mountPath = CleanPath(workspace.MountPath ?? $"/workspace/{workspace.Name}");
            if (!mountPaths.Add(mountPath))
            {
                context.Error(workspace, "mountPath", $"{itemPath}.mountpath", $"workspace mount path \"{mountPath}\" must be unique");
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
                    context.Error(usages[w], "name", $"{ValidationContext.Join(path, "workspaces", w)}.name", $"undefined workspace \"{usages[w].Name}\"", "declare it in the Task's workspaces");
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
                    context.Error(step.Ref, null, $"{stepPath}.ref.name", "missing field(s)", "name the StepAction");
                }
            }
            else
            {
                if (!step.Params.IsEmpty)
                {
                    context.Error(step, "params", $"{stepPath}.params", "params cannot be used without Ref");
                }

                if (string.IsNullOrEmpty(step.Image) && string.IsNullOrEmpty(spec.StepTemplate?.Image))
                {
                    context.Error(step, null, $"{stepPath}.image", "missing field(s)", "give the step an image");
                }

                if (!string.IsNullOrEmpty(step.Script) && !step.Command.IsEmpty)
                {
                    context.Error(step, "script", $"{stepPath}.script", "script cannot be used with command", "put the command in the script, or drop the script");
                }
            }

            if (!string.IsNullOrEmpty(step.Name) && !Names.IsDnsLabel(step.Name) && !step.Name.Contains("$(", StringComparison.Ordinal))
            {
                context.Error(step, "name", $"{stepPath}.name", $"invalid value \"{step.Name}\"", "Task step name must be a valid DNS Label: lowercase letters, digits and '-', at most 63 characters");
            }

            if (step.Timeout is { } timeout && timeout.Value < TimeSpan.Zero)
            {
                context.Error(step, "timeout", $"{stepPath}.negative timeout", $"invalid value: {timeout}");
            }

            for (var m = 0; m < step.VolumeMounts.Length; m++)
            {
                ValidateMount(context, step.VolumeMounts[m], $"{stepPath}.volumeMounts[{m}]");
            }

            if (!string.IsNullOrEmpty(step.OnError) && !step.OnError.StartsWith("$(params", StringComparison.Ordinal) && step.OnError is not ("continue" or "stopAndFail"))
            {
                context.Error(step, "onError", $"{stepPath}.onError", $"invalid value: \"{step.OnError}\"", "Task step onError must be either \"continue\" or \"stopAndFail\"");
            }

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
                context.Error(sidecar, null, $"{sidecarPath}.image", "missing field(s)", "give the sidecar an image");
            }

            if (!string.IsNullOrEmpty(sidecar.Script) && !sidecar.Command.IsEmpty)
            {
                context.Error(sidecar, "script", $"{sidecarPath}.script", "script cannot be used with command");
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
                context.Error(env[e], "name", $"{path}.env[{e}].name", $"invalid environment variable name \"{env[e].Name}\"", "use letters, digits, '_', '-' and '.', not starting with a digit");
            }
        }
    }

    private static void ValidateMount(ValidationContext context, VolumeMount mount, string path)
    {
        var clean = CleanPath(mount.MountPath);
        if (clean.StartsWith("/tekton/", StringComparison.Ordinal) && !clean.StartsWith("/tekton/home", StringComparison.Ordinal))
        {
            context.Error(mount, "mountPath", $"{path}.mountPath", $"volumeMount cannot be mounted under /tekton/ (volumeMount \"{mount.Name}\" mounted at \"{mount.MountPath}\")");
        }

        if (mount.Name.StartsWith("tekton-internal-", StringComparison.Ordinal))
        {
            context.Error(mount, "name", $"{path}.name", $"volumeMount name \"{mount.Name}\" cannot start with \"tekton-internal-\"");
        }
    }

    private static void ValidateArrayUsage(ValidationContext context, TaskSpec spec, string path)
    {
        var arrays = spec.Params.Where(p => p.Type == ParamType.Array).Select(p => p.Name).ToImmutableHashSet(StringComparer.Ordinal);
        var objects = spec.Params.Where(p => p.Type == ParamType.Object).Select(p => p.Name).ToImmutableHashSet(StringComparer.Ordinal);
        if (arrays.IsEmpty && objects.IsEmpty)
        {
            return;
        }

        for (var i = 0; i < spec.Steps.Length; i++)
        {
            var step = spec.Steps[i];
            var stepPath = ValidationContext.Join(path, "steps", i);
            foreach (var (field, value) in ProhibitedFields(step))
            {
                CheckProhibited(context, step, field, $"{stepPath}.{field}", value, arrays, whole: false);
                CheckProhibited(context, step, field, $"{stepPath}.{field}", value, objects, whole: true);
            }

            for (var c = 0; c < step.Command.Length; c++)
            {
                CheckIsolated(context, step, "command", $"{stepPath}.command[{c}]", step.Command[c], arrays, c);
                CheckProhibited(context, step, "command", $"{stepPath}.command[{c}]", step.Command[c], objects, whole: true);
            }

            for (var a = 0; a < step.Args.Length; a++)
            {
                CheckIsolated(context, step, "args", $"{stepPath}.args[{a}]", step.Args[a], arrays, a);
                CheckProhibited(context, step, "args", $"{stepPath}.args[{a}]", step.Args[a], objects, whole: true);
            }
        }
    }

    private static IEnumerable<(string Field, string? Value)> ProhibitedFields(Step step)
    {
        yield return ("name", step.Name);
        yield return ("image", step.Image);
        yield return ("workingDir", step.WorkingDir);
        yield return ("script", step.Script);
        foreach (var env in step.Env)
        {
            yield return ("env", env.Value);
        }

        foreach (var mount in step.VolumeMounts)
        {
            yield return ("volumeMounts", mount.Name);
            yield return ("volumeMounts", mount.MountPath);
            yield return ("volumeMounts", mount.SubPath);
        }
    }

    private static void CheckProhibited(ValidationContext context, object owner, string field, string path, string? value, ImmutableHashSet<string> names, bool whole)
    {
        var found = Variables.Extract(value, "params");
        if (!found.Present || names.IsEmpty)
        {
            return;
        }

        if (found.Error is not null)
        {
            context.Error(owner, field, path, found.Error);
            return;
        }

        var candidates = whole ? found.WholeNames : found.Names.Where(n => !n.EndsWith(']') || n.EndsWith("[*]", StringComparison.Ordinal)).ToImmutableArray();
        if (candidates.Any(n => names.Contains(n.EndsWith("[*]", StringComparison.Ordinal) ? n[..^3] : n)))
        {
            context.Error(owner, field, path, $"variable type invalid in \"{value}\"", whole ? "use one key of the object, $(params.name.key)" : "use one item, $(params.name[0]), or pass the array in args or command on its own");
        }
    }

    private static void CheckIsolated(ValidationContext context, object owner, string field, string path, string value, ImmutableHashSet<string> arrays, int index)
    {
        var found = Variables.Extract(value, "params");
        if (!found.Present || arrays.IsEmpty)
        {
            return;
        }

        if (found.Error is not null)
        {
            context.Error(owner, field, path, found.Error, index: index);
            return;
        }

        foreach (var name in found.Names)
        {
            var bare = name.EndsWith("[*]", StringComparison.Ordinal) ? name[..^3] : name;
            if (arrays.Contains(bare) && value.Length != found.FirstMatch!.Length)
            {
                context.Error(owner, field, path, $"variable is not properly isolated in \"{value}\"", "give the array reference as its own item of the list", index);
                return;
            }
        }
    }

    private static void ValidateVariables(ValidationContext context, TaskSpec spec, string path, string prefix, ImmutableHashSet<string> known)
    {
        for (var i = 0; i < spec.Steps.Length; i++)
        {
            var step = spec.Steps[i];
            var stepPath = ValidationContext.Join(path, "steps", i);
            CheckUnknown(context, step, "name", $"{stepPath}.name", step.Name, prefix, known);
            CheckUnknown(context, step, "image", $"{stepPath}.image", step.Image, prefix, known);
            CheckUnknown(context, step, "workingDir", $"{stepPath}.workingDir", step.WorkingDir, prefix, known);
            CheckUnknown(context, step, "script", $"{stepPath}.script", step.Script, prefix, known);
            CheckUnknown(context, step, "onError", $"{stepPath}.onError", step.OnError, prefix, known);
            for (var c = 0; c < step.Command.Length; c++)
            {
                CheckUnknown(context, step, "command", $"{stepPath}.command[{c}]", step.Command[c], prefix, known, c);
            }

            for (var a = 0; a < step.Args.Length; a++)
            {
                CheckUnknown(context, step, "args", $"{stepPath}.args[{a}]", step.Args[a], prefix, known, a);
            }

            foreach (var env in step.Env)
            {
                CheckUnknown(context, env, "value", $"{stepPath}.env[{env.Name}]", env.Value, prefix, known);
            }

            for (var m = 0; m < step.VolumeMounts.Length; m++)
            {
                var mount = step.VolumeMounts[m];
                CheckUnknown(context, mount, "name", $"{stepPath}.volumeMount[{m}].name", mount.Name, prefix, known);
                CheckUnknown(context, mount, "mountPath", $"{stepPath}.volumeMount[{m}].MountPath", mount.MountPath, prefix, known);
                CheckUnknown(context, mount, "subPath", $"{stepPath}.volumeMount[{m}].SubPath", mount.SubPath, prefix, known);
            }
        }
    }

    private static void ValidateResultVariables(ValidationContext context, TaskSpec spec, string path)
    {
        var declared = spec.Results.Select(r => r.Name).ToImmutableHashSet(StringComparer.Ordinal);
        for (var i = 0; i < spec.Steps.Length; i++)
        {
            CheckUnknown(context, spec.Steps[i], "script", $"{ValidationContext.Join(path, "steps", i)}.script", spec.Steps[i].Script, "results", declared);
        }
    }

    private static void CheckUnknown(ValidationContext context, object owner, string field, string path, string? value, string prefix, ImmutableHashSet<string> known, int? index = null)
    {
        var found = Variables.Extract(value, prefix);
        if (!found.Present)
        {
            return;
        }

        if (found.Error is not null)
        {
            context.Error(owner, field, path, found.Error, index: index);
            return;
        }

        foreach (var name in found.Names)
        {
            var bare = Variables.TrimIndex(name);
            if (!known.Contains(bare))
            {
                var shown = prefix.Replace("\\", string.Empty, StringComparison.Ordinal);
                var closest = Binding.NodeBinder.Closest(bare, known);
                var fix = closest is not null
                    ? $"did you mean $({shown}.{closest})?"
                    : $"declare {shown}.{bare}, or fix the reference";
                context.Error(owner, field, path, $"non-existent variable `{bare}` in \"{value}\"", fix, index);
                return;
            }
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
