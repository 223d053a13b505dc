using System.Collections.Immutable;
using Sluice.Engine.Substitution;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Substitution;

namespace Sluice.Engine.Pipelines;

/// <summary>
/// Substitution at the PipelineRun level (pkg/reconciler/pipelinerun/resources/apply.go): params with
/// recursively resolved defaults, context, bound workspaces; values reach pipeline task params, matrix,
/// when, workspace sub-paths, task refs, onError, and are propagated into inline task specs.
/// </summary>
public static class PipelineSubstitution
{
    /// <summary>Tekton's <c>ApplyParameters</c>.</summary>
    /// <exception cref="PipelineRunFailure">A default refers to an undefined param or defaults refer to each other in a cycle.</exception>
    public static PipelineSpec ApplyParameters(PipelineSpec spec, ImmutableArray<Param> runParams)
    {
        var resolved = new Replacements();
        foreach (var param in runParams)
        {
            resolved.AddParam(param.Name, param.Value);
        }

        var unresolved = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var declared in spec.Params.Where(p => p.Type == ParamType.String && p.Default is not null && !resolved.HasParam(p.Name)))
        {
            foreach (var key in Keys(declared.Name))
            {
                unresolved[key] = declared.Default!.StringValue;
            }
        }

        foreach (var (key, value) in unresolved.ToList())
        {
            if (!resolved.Strings.ContainsKey(key))
            {
                ResolveString(key, value, resolved.Strings, unresolved, new HashSet<string>(StringComparer.Ordinal), 0);
            }
        }

        foreach (var declared in spec.Params.Where(p => p.Type == ParamType.Array && p.Default is not null && !resolved.HasParam(p.Name)))
        {
            var values = declared.Default!.ArrayValue.Select(v => Variables.Apply(v, resolved.Strings)).ToImmutableArray();
            foreach (var key in Keys(declared.Name))
            {
                resolved.Arrays[key] = values;
                for (var i = 0; i < values.Length; i++)
                {
                    resolved.Strings[$"{key}[{i}]"] = values[i];
                }
            }
        }

        foreach (var declared in spec.Params.Where(p => p.Type == ParamType.Object && p.Default is not null && !resolved.HasParam(p.Name)))
        {
            var values = declared.Default!.ObjectValue.ToImmutableSortedDictionary(kv => kv.Key, kv => Variables.Apply(kv.Value, resolved.Strings), StringComparer.Ordinal);
            foreach (var key in Keys(declared.Name))
            {
                resolved.Objects[key] = values;
                foreach (var (k, v) in values)
                {
                    resolved.Strings[$"{key}.{k}"] = v;
                }
            }
        }

        return Apply(spec, resolved);
    }

    /// <summary>Tekton's <c>ApplyContexts</c>.</summary>
    public static PipelineSpec ApplyContexts(PipelineSpec spec, string pipelineName, PipelineRun run) =>
        Apply(spec, Replacements.OfStrings(ContextReplacements(pipelineName, run)));

    /// <summary>The <c>context.pipelineRun.*</c> and <c>context.pipeline.name</c> values.</summary>
    public static Dictionary<string, string> ContextReplacements(string pipelineName, PipelineRun run) => new(StringComparer.Ordinal)
    {
        ["context.pipelineRun.name"] = run.Metadata.Name ?? string.Empty,
        ["context.pipeline.name"] = pipelineName,
        ["context.pipelineRun.namespace"] = run.Metadata.Namespace ?? "default",
        ["context.pipelineRun.uid"] = run.Metadata.Uid ?? string.Empty,
    };

    /// <summary>Tekton's pipeline-level <c>ApplyWorkspaces</c>: <c>$(workspaces.w.bound)</c>.</summary>
    public static PipelineSpec ApplyWorkspaces(PipelineSpec spec, PipelineRun run)
    {
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var declared in spec.Workspaces)
        {
            strings[$"workspaces.{declared.Name}.bound"] = "false";
        }

        foreach (var bound in run.Spec.Workspaces)
        {
            strings[$"workspaces.{bound.Name}.bound"] = "true";
        }

        return Apply(spec, Replacements.OfStrings(strings));
    }

    /// <summary>Applies replacements to every pipeline task and finally task.</summary>
    public static PipelineSpec Apply(PipelineSpec spec, Replacements replacements) => replacements.IsEmpty ? spec : spec with
    {
        Tasks = [.. spec.Tasks.Select(t => Apply(t, replacements))],
        Finally = [.. spec.Finally.Select(t => Apply(t, replacements))],
    };

    /// <summary>Applies replacements to one pipeline task (Tekton's <c>replaceVariablesInPipelineTasks</c>).</summary>
    public static PipelineTask Apply(PipelineTask task, Replacements replacements)
    {
        var matrixed = task.IsMatrixed();
        if (!Mentions(task, matrixed))
        {
            return Propagate(task, replacements);
        }

        task = task with
        {
            Params = replacements.Apply(task.Params),
            Matrix = task.Matrix is { } matrix && matrixed ? matrix with
            {
                Params = replacements.Apply(matrix.Params),
                Include = [.. matrix.Include.Select(i => i with { Params = replacements.Apply(i.Params) })],
            }
            : task.Matrix,
            DisplayName = matrixed ? task.DisplayName : replacements.ApplyOptional(task.DisplayName),
            Workspaces = [.. task.Workspaces.Select(w => w with { SubPath = replacements.ApplyOptional(w.SubPath) })],
            When = replacements.Apply(task.When),
            TaskRef = task.TaskRef is { } reference ? reference with { Params = replacements.Apply(reference.Params), Name = replacements.ApplyOptional(reference.Name) } : null,
            OnError = replacements.ApplyOptional(task.OnError),
        };
        return Propagate(task, replacements);
    }

    /// <summary>Tekton's <c>propagateParams</c>: pipeline values reach an inline spec; the task's own params win on name clashes.</summary>
    private static PipelineTask Propagate(PipelineTask task, Replacements replacements)
    {
        if (task.TaskSpec is not { } embedded || !VariableScan.Mentions(embedded.Task))
        {
            return task;
        }

        var scoped = replacements;
        if (!task.Params.IsEmpty)
        {
            scoped = replacements.Clone();
            foreach (var param in task.Params)
            {
                foreach (var key in Keys(param.Name))
                {
                    if (scoped.Strings.ContainsKey(key))
                    {
                        scoped.Strings[key] = param.Value.StringValue;
                    }

                    if (scoped.Arrays.ContainsKey(key))
                    {
                        scoped.Arrays[key] = param.Value.ArrayValue;
                    }

                    if (scoped.Objects.ContainsKey(key))
                    {
                        scoped.Objects[key] = param.Value.ObjectValue;
                        foreach (var (k, v) in param.Value.ObjectValue)
                        {
                            scoped.Strings[$"params.{param.Name}.{k}"] = v;
                        }
                    }
                }
            }
        }

        return task with { TaskSpec = embedded with { Task = TaskSpecSubstitution.Apply(embedded.Task, scoped) } };
    }

    /// <summary>Whether any field <see cref="Apply(PipelineTask, Replacements)"/> rewrites holds a variable.</summary>
    private static bool Mentions(PipelineTask task, bool matrixed) =>
        VariableScan.Mentions(task.Params) || VariableScan.Mentions(task.When) || VariableScan.Optional(task.OnError) ||
        (matrixed ? VariableScan.Mentions(task.Matrix!.Params) || task.Matrix.Include.Any(i => VariableScan.Mentions(i.Params)) : VariableScan.Optional(task.DisplayName)) ||
        task.Workspaces.Any(w => VariableScan.Optional(w.SubPath)) ||
        (task.TaskRef is { } reference && (VariableScan.Mentions(reference.Params) || VariableScan.Optional(reference.Name)));

    private static IEnumerable<string> Keys(string name) =>
        [$"params.{name}", $"params[\"{name}\"]", $"params['{name}']", $"inputs.params.{name}"];

    private static void ResolveString(string key, string value, Dictionary<string, string> resolved, Dictionary<string, string> unresolved, HashSet<string> visiting, int depth)
    {
        if (!visiting.Add(key))
        {
            throw new PipelineRunFailure("PipelineValidationFailed", $"{TektonMessages.UserError}parameter resolution failed: circular dependency detected in param \"{key}\"");
        }

        if (depth > 64)
        {
            throw new PipelineRunFailure("PipelineValidationFailed", $"{TektonMessages.UserError}parameter resolution failed: maximum recursion depth (64) exceeded for param \"{key}\"");
        }

        var references = Variables.Expressions(value).Where(e => e.StartsWith("params.", StringComparison.Ordinal)).ToList();
        foreach (var reference in references)
        {
            if (resolved.ContainsKey(reference))
            {
                continue;
            }

            if (!unresolved.TryGetValue(reference, out var inner))
            {
                throw new PipelineRunFailure("PipelineValidationFailed", $"{TektonMessages.UserError}parameter resolution failed: param \"{key}\" references undefined param \"{reference}\"");
            }

            ResolveString(reference, inner, resolved, unresolved, visiting, depth + 1);
        }

        resolved[key] = Variables.Apply(value, resolved);
        visiting.Remove(key);
    }
}

/// <summary>A PipelineRun cannot run: resolution or validation failed. Becomes its Failed condition.</summary>
public sealed class PipelineRunFailure : Exception
{
    /// <summary>Makes the failure.</summary>
    /// <param name="reason">Tekton's reason.</param>
    /// <param name="message">Tekton's message.</param>
    /// <param name="needsCluster">Whether the cause is a feature only a Kubernetes cluster provides.</param>
    public PipelineRunFailure(string reason, string message, bool needsCluster = false)
        : base(message)
    {
        Reason = reason;
        NeedsCluster = needsCluster;
    }

    /// <summary>Whether the cause is a feature only a Kubernetes cluster provides (resolvers, CSI volumes...).</summary>
    public bool NeedsCluster { get; }

    /// <summary>The object in the input the failure is about, so it can be shown at its position.</summary>
    public object? Owner { get; init; }

    /// <summary>The field of <see cref="Owner"/> the failure is about.</summary>
    public string? Field { get; init; }

    /// <summary>How to fix it, when there is an obvious fix.</summary>
    public string? Fix { get; init; }

    /// <summary>Makes the failure.</summary>
    public PipelineRunFailure()
    {
    }

    /// <summary>Makes the failure.</summary>
    public PipelineRunFailure(string message)
        : base(message)
    {
    }

    /// <summary>Makes the failure.</summary>
    public PipelineRunFailure(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Tekton's reason.</summary>
    public string Reason { get; } = "Failed";
}
