using System.Collections.Immutable;
using Sluice.Engine.Tasks;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Substitution;
using Sluice.Model.Tasks;

namespace Sluice.Engine.Substitution;

/// <summary>
/// Substitutes a TaskRun's spec in Tekton's order (taskrun.go: applyParamsContextsResultsAndWorkspaces):
/// params, context, result paths, artifact paths, step exit-code paths, workspaces (with the TaskRun's
/// extra bindings propagated as declarations), then <c>$(credentials.path)</c>.
/// </summary>
public static class TaskRunSubstitution
{
    /// <summary>Applies every substitution.</summary>
    /// <param name="spec">The resolved Task spec (StepActions resolved).</param>
    /// <param name="run">The TaskRun.</param>
    /// <param name="taskName">What <c>$(context.task.name)</c> gives: the Task's name, or the TaskRun's for an inline spec.</param>
    /// <param name="retryCount">Previous attempts.</param>
    public static TaskSpec Apply(TaskSpec spec, TaskRun run, string taskName, int retryCount)
    {
        if (!VariableScan.Mentions(spec))
        {
            // Every pass below replaces only inside $(...), and what a pass inserts can hold $(...) only if
            // the spec did: a spec without variables comes out as it went in, with the bindings declared.
            return DeclareBindings(spec, run.Spec.Workspaces);
        }

        spec = TaskSpecSubstitution.Apply(spec, Replacements.ForTaskParams(spec.Params, run.Spec.Params));
        spec = TaskSpecSubstitution.Apply(spec, Replacements.OfStrings(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["context.taskRun.name"] = run.Metadata.Name ?? string.Empty,
            ["context.task.name"] = taskName,
            ["context.taskRun.namespace"] = run.Metadata.Namespace ?? "default",
            ["context.taskRun.uid"] = run.Metadata.Uid ?? string.Empty,
            ["context.task.retry-count"] = retryCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }));
        spec = ApplyResults(spec);
        spec = ApplyArtifactsAndExitCodes(spec);
        spec = ApplyWorkspaces(DeclareBindings(spec, run.Spec.Workspaces), run.Spec.Workspaces);

        // taskrun.go createPod: ApplyCredentialsPath, last, whether or not there are credentials.
        return TaskSpecSubstitution.Apply(spec, Replacements.OfStrings([new("credentials.path", CredentialsInit.Directory)]));
    }

    /// <summary>Declares the TaskRun's extra bindings as workspaces of the spec, so their variables resolve.</summary>
    private static TaskSpec DeclareBindings(TaskSpec spec, ImmutableArray<WorkspaceBinding> bindings)
    {
        foreach (var binding in bindings)
        {
            if (!spec.Workspaces.Any(w => w.Name == binding.Name))
            {
                spec = spec with { Workspaces = spec.Workspaces.Add(new WorkspaceDeclaration { Name = binding.Name }) };
            }
        }

        return spec;
    }

    /// <summary>The status name of step <paramref name="index"/>: its name, or <c>unnamed-N</c>.</summary>
    public static string StepName(Step step, int index) => string.IsNullOrEmpty(step.Name) ? $"unnamed-{index}" : step.Name;

    private static TaskSpec ApplyResults(TaskSpec spec)
    {
        var steps = spec.Steps.Select((step, i) =>
        {
            if (step.Results.IsEmpty)
            {
                return step;
            }

            var stepName = $"step-{StepName(step, i)}";
            var strings = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var result in step.Results)
            {
                var path = $"/tekton/steps/{stepName}/results/{result.Name}";
                strings[$"step.results.{result.Name}.path"] = path;
                strings[$"step.results[\"{result.Name}\"].path"] = path;
                strings[$"step.results['{result.Name}'].path"] = path;
            }

            return TaskSpecSubstitution.Apply(step, Replacements.OfStrings(strings));
        }).ToImmutableArray();
        spec = spec with { Steps = steps };
        var taskResults = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var result in spec.Results)
        {
            var path = $"/tekton/results/{result.Name}";
            taskResults[$"results.{result.Name}.path"] = path;
            taskResults[$"results[\"{result.Name}\"].path"] = path;
            taskResults[$"results['{result.Name}'].path"] = path;
        }

        return TaskSpecSubstitution.Apply(spec, Replacements.OfStrings(taskResults));
    }

    private static TaskSpec ApplyArtifactsAndExitCodes(TaskSpec spec)
    {
        var steps = spec.Steps.Select((step, i) => TaskSpecSubstitution.Apply(step, Replacements.OfStrings(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["step.artifacts.path"] = $"/tekton/steps/step-{StepName(step, i)}/artifacts/provenance.json",
            ["artifacts.path"] = "/tekton/artifacts/provenance.json",
        }))).ToImmutableArray();
        var exitCodes = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Length; i++)
        {
            var name = $"step-{StepName(steps[i], i)}";
            exitCodes[$"steps.{name}.exitCode.path"] = $"/tekton/steps/{name}/exitCode";
        }

        return TaskSpecSubstitution.Apply(spec with { Steps = steps }, Replacements.OfStrings(exitCodes));
    }

    private static TaskSpec ApplyWorkspaces(TaskSpec spec, ImmutableArray<WorkspaceBinding> bindings)
    {
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        var bound = bindings.Select(b => b.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var declaration in spec.Workspaces)
        {
            var prefix = $"workspaces.{declaration.Name}.";
            if (declaration.Optional == true && !bound.Contains(declaration.Name))
            {
                strings[prefix + "bound"] = "false";
                strings[prefix + "path"] = string.Empty;
            }
            else
            {
                strings[prefix + "bound"] = "true";
                spec = ApplyMountPath(spec, prefix + "path", declaration);
            }

            if (bound.Contains(declaration.Name))
            {
                strings[prefix + "volume"] = SandboxPlanner.WorkspaceVolumeName(declaration.Name);
            }
        }

        foreach (var binding in bindings)
        {
            strings[$"workspaces.{binding.Name}.claim"] = binding.PersistentVolumeClaim?.ClaimName ?? string.Empty;
        }

        return TaskSpecSubstitution.Apply(spec, Replacements.OfStrings(strings));
    }

    private static TaskSpec ApplyMountPath(TaskSpec spec, string variable, WorkspaceDeclaration declaration)
    {
        var steps = spec.Steps.Select(step =>
            step.Workspaces.FirstOrDefault(w => w.Name == declaration.Name && !string.IsNullOrEmpty(w.MountPath)) is { } usage
                ? TaskSpecSubstitution.Apply(step, Replacements.OfStrings([new(variable, usage.MountPath!)]))
                : step).ToImmutableArray();
        var sidecars = spec.Sidecars.Select(sidecar =>
            sidecar.Workspaces.FirstOrDefault(w => w.Name == declaration.Name && !string.IsNullOrEmpty(w.MountPath)) is { } usage
                ? TaskSpecSubstitution.Apply(sidecar, Replacements.OfStrings([new(variable, usage.MountPath!)]))
                : sidecar).ToImmutableArray();
        var mountPath = declaration.MountPath ?? $"/workspace/{declaration.Name}";
        return TaskSpecSubstitution.Apply(spec with { Steps = steps, Sidecars = sidecars }, Replacements.OfStrings([new(variable, mountPath)]));
    }

    /// <summary>Whether any text of the step refers to another step's results (so it cannot be created before they exist).</summary>
    public static bool UsesStepResults(Step step)
    {
        if (!VariableScan.Mentions(step))
        {
            return false;
        }

        static bool Refers(string? text) => text?.Contains("$(steps.", StringComparison.Ordinal) == true;
        if (Refers(step.Image) || Refers(step.Script) || Refers(step.WorkingDir) || step.Command.Any(Refers) || step.Args.Any(Refers) || step.Env.Any(e => Refers(e.Value)))
        {
            return true;
        }

        return step.When.Any(w => Refers(w.Input) || w.Values.Any(Refers));
    }

    /// <summary>Replacements for <c>$(steps.s.results.r)</c> from results already read.</summary>
    public static Replacements StepResultReplacements(IReadOnlyDictionary<string, ImmutableArray<RunResult>> stepResults)
    {
        var replacements = new Replacements();
        foreach (var (step, results) in stepResults)
        {
            foreach (var result in results)
            {
                var key = $"steps.{step}.results.{result.Name}";
                switch (result.Value.Type)
                {
                    case ParamType.Array:
                        replacements.Arrays[key] = result.Value.ArrayValue;
                        for (var i = 0; i < result.Value.ArrayValue.Length; i++)
                        {
                            replacements.Strings[$"{key}[{i}]"] = result.Value.ArrayValue[i];
                        }

                        break;
                    case ParamType.Object:
                        foreach (var (k, v) in result.Value.ObjectValue)
                        {
                            replacements.Strings[$"{key}.{k}"] = v;
                        }

                        break;
                    default:
                        replacements.Strings[key] = result.Value.StringValue;
                        break;
                }
            }
        }

        return replacements;
    }

    /// <summary>Whether a value still holds an unresolved step result reference.</summary>
    public static bool HasStepResultReference(string? text) =>
        Variables.Expressions(text).Any(e => ResultReference.ParseStep(e) is not null);
}
