using System.Collections.Immutable;
using Sluice.Engine.CustomTasks;
using Sluice.Engine.Tasks;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Substitution;

namespace Sluice.Engine.Pipelines;

/// <summary>Resolution and the checks Tekton makes before scheduling.</summary>
public sealed partial class PipelineRunRunner
{
    internal static Plan Prepare(PipelineRun run, ITaskResolver resolver, EngineOptions options)
    {
        var ns = run.Metadata.Namespace ?? options.DefaultNamespace;
        var name = run.Metadata.Name ?? string.Empty;
        var (spec, pipelineName) = ResolvePipeline(run, ns, name, resolver);
        var dagParents = DagParents(spec, ns, name);
        ValidateParams(spec, run, ns, name, pipelineName);
        ValidateWorkspaces(spec, run, ns, name, pipelineName);
        foreach (var taskRunSpec in run.Spec.TaskRunSpecs)
        {
            if (!spec.Tasks.Concat(spec.Finally).Any(t => t.Name == taskRunSpec.PipelineTaskName))
            {
                throw new PipelineRunFailure("InvalidTaskRunSpecs", $"{TektonMessages.UserError}PipelineRun {ns}/{name} doesn't define taskRunSpecs correctly: pipelineRun's taskrunSpecs defined wrong taskName: \"{taskRunSpec.PipelineTaskName}\", does not exist in Pipeline")
                {
                    Owner = taskRunSpec,
                    Field = "pipelineTaskName",
                    Fix = $"name one of the Pipeline's tasks: {string.Join(", ", spec.Tasks.Concat(spec.Finally).Select(t => t.Name))}",
                };
            }
        }

        var written = new Dictionary<string, PipelineTask>(StringComparer.Ordinal);
        foreach (var task in spec.Tasks.Concat(spec.Finally))
        {
            written.TryAdd(task.Name, task);
        }

        spec = PipelineSubstitution.ApplyParameters(spec, run.Spec.Params);
        spec = PipelineSubstitution.ApplyContexts(spec, pipelineName, run);
        spec = PipelineSubstitution.ApplyWorkspaces(spec, run);
        foreach (var task in spec.Tasks.Concat(spec.Finally))
        {
            try
            {
                Cel.Evaluate(task.When);
            }
            catch (CelEvaluationException e)
            {
                throw new PipelineRunFailure("CELEvaluationFailed", $"{TektonMessages.UserError}Error evaluating CEL {name}: {e.Message}")
                {
                    Owner = task.When.FirstOrDefault(w => w.Cel is not null),
                    Field = "cel",
                    Fix = "write a CEL expression that gives true or false",
                };
            }
        }

        var states = new Dictionary<string, PipelineTaskState>(StringComparer.Ordinal);
        var ordered = ImmutableArray.CreateBuilder<PipelineTaskState>();
        foreach (var (task, isFinally) in spec.Tasks.Select(t => (t, false)).Concat(spec.Finally.Select(t => (t, true))))
        {
            var state = new PipelineTaskState(task, isFinally, written.GetValueOrDefault(task.Name));
            ResolveTask(state, ns, pipelineName, resolver);
            states[task.Name] = state;
            ordered.Add(state);
        }

        foreach (var state in ordered.Where(s => s.Spec is not null))
        {
            try
            {
                var given = state.Original.Params.AddRange(state.Original.Matrix is { } matrix ? matrix.Params.Select(p => p with { Value = ParamValue.Of(string.Empty) }).Concat(matrix.Include.SelectMany(i => i.Params)) : []);
                TaskRunChecks.ValidateParams(state.TaskName ?? state.Name, state.Spec!, given);
            }
            catch (TaskRunFailure failure)
            {
                throw new PipelineRunFailure("PipelineValidationFailed", $"{TektonMessages.UserError}Validation failed for pipelinerun {name} with error {failure.Message.Replace(TektonMessages.UserError, string.Empty, StringComparison.Ordinal)}")
                {
                    Owner = state.Written.Params.IsEmpty ? state.Written : state.Written.Params[0],
                    Field = "name",
                    Fix = $"give the pipeline task \"{state.Name}\" every param its Task requires",
                };
            }
        }

        ValidateResultReferences(spec, states, name);
        ValidateOptionalWorkspaces(spec, states);
        Link(ordered, dagParents, run);
        return new Plan(pipelineName, spec, states, ordered.ToImmutable())
        {
            TaskLabels = MemberLabels(run, pipelineName, "tasks"),
            FinallyLabels = MemberLabels(run, pipelineName, "finally"),
            ClaimName = binding => binding.VolumeClaimTemplate?.Metadata.Name ?? $"pvc-{name}-{binding.Name}",
        };
    }

    private static (PipelineSpec Spec, string Name) ResolvePipeline(PipelineRun run, string ns, string name, ITaskResolver resolver)
    {
        if (run.Spec.PipelineSpec is { } inline)
        {
            return (inline, name);
        }

        var reference = run.Spec.PipelineRef;
        if (reference?.Resolver is { } resolverName)
        {
            throw new PipelineRunFailure("CouldntGetPipeline", $"Error retrieving pipeline for pipelinerun {ns}/{name}: the \"{resolverName}\" resolver needs a cluster; give the Pipeline in the files passed to sluice and refer to it by name", needsCluster: true);
        }

        var pipeline = resolver.FindPipeline(reference?.Name ?? string.Empty, ns)
            ?? throw new PipelineRunFailure("CouldntGetPipeline", $"Error retrieving pipeline for pipelinerun {ns}/{name}: error when getting Pipeline for PipelineRun {name}: tekton client cannot get pipeline {reference?.Name} from local cluster: pipelines.tekton.dev \"{reference?.Name}\" not found")
            {
                Owner = reference,
                Field = "name",
                Fix = "pass the file that defines this Pipeline to sluice, or fix pipelineRef.name",
            };
        return (pipeline.Spec, pipeline.Metadata.Name ?? reference!.Name!);
    }

    private static void ValidateParams(PipelineSpec spec, PipelineRun run, string ns, string name, string pipelineName)
    {
        var given = run.Spec.Params.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
        var missing = spec.Params.Where(p => p.Default is null && !given.ContainsKey(p.Name)).Select(p => p.Name).ToList();
        if (missing.Count > 0)
        {
            throw new PipelineRunFailure("ParameterMissing", $"{TektonMessages.UserError}PipelineRun {ns}/{name} is missing some parameters required by Pipeline {ns}/{pipelineName}: pipelineRun missing parameters: [{string.Join(" ", missing)}]")
            {
                Owner = run.Spec.Params.IsEmpty ? run : run.Spec,
                Field = run.Spec.Params.IsEmpty ? "spec" : "params",
                Fix = $"give {string.Join(", ", missing)} under spec.params, or pass -p {missing[0]}=VALUE",
            };
        }

        var wrong = spec.Params
            .Where(p => given.TryGetValue(p.Name, out var value) && value.Type != p.Type &&
                        !(value.Type == ParamType.String && Variables.IsExactExpression(value.StringValue)))
            .Select(p => p.Name)
            .ToList();
        if (wrong.Count > 0)
        {
            throw new PipelineRunFailure("ParameterTypeMismatch", $"{TektonMessages.UserError}PipelineRun {ns}/{name} parameters have mismatching types with Pipeline {ns}/{pipelineName}'s parameters: parameters have inconsistent types : [{string.Join(" ", wrong)}]")
            {
                Owner = run.Spec.Params.First(p => p.Name == wrong[0]),
                Field = "value",
                Fix = $"give {wrong[0]} as a {TypeName(spec.Params.First(p => p.Name == wrong[0]).Type)}, as the Pipeline declares it",
            };
        }

        foreach (var param in spec.Params.Where(p => p.Enum.Length > 0))
        {
            if (given.TryGetValue(param.Name, out var value) && value is { Type: ParamType.String, StringValue.Length: > 0 } && !param.Enum.Contains(value.StringValue))
            {
                throw new PipelineRunFailure("InvalidParamValue", $"{TektonMessages.UserError}PipelineRun {ns}/{name} parameters have invalid value: param `{param.Name}` value: {value.StringValue} is not in the enum list")
                {
                    Owner = run.Spec.Params.First(p => p.Name == param.Name),
                    Field = "value",
                    Fix = $"use one of: {string.Join(", ", param.Enum)}",
                };
            }
        }

        var missingKeys = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var param in spec.Params.Where(p => p.Type == ParamType.Object))
        {
            if (!given.TryGetValue(param.Name, out var value) || value.Type != ParamType.Object)
            {
                continue;
            }

            var provided = new HashSet<string>(value.ObjectValue.Keys, StringComparer.Ordinal);
            provided.UnionWith(param.Default?.ObjectValue.Keys ?? []);
            var lacking = param.Properties.Keys.Where(k => !provided.Contains(k)).ToList();
            if (lacking.Count > 0)
            {
                missingKeys[param.Name] = lacking;
            }
        }

        if (missingKeys.Count > 0)
        {
            throw new PipelineRunFailure("ObjectParameterMissKeys", $"{TektonMessages.UserError}PipelineRun {ns}/{name} parameters is missing object keys required by Pipeline {ns}/{pipelineName}'s parameters: pipelineRun missing object keys for parameters: map[{string.Join(" ", missingKeys.Select(kv => $"{kv.Key}:[{string.Join(" ", kv.Value)}]"))}]")
            {
                Owner = run.Spec.Params.First(p => p.Name == missingKeys.Keys.First()),
                Field = "value",
                Fix = "give every key the Pipeline declares under the param's properties",
            };
        }
    }

    private static void ValidateWorkspaces(PipelineSpec spec, PipelineRun run, string ns, string name, string pipelineName)
    {
        var bound = run.Spec.Workspaces.Select(w => w.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var declared in spec.Workspaces)
        {
            if (declared.Optional != true && !bound.Contains(declared.Name))
            {
                throw new PipelineRunFailure("InvalidWorkspaceBindings", $"{TektonMessages.UserError}PipelineRun {ns}/{name} doesn't bind Pipeline {ns}/{pipelineName}'s Workspaces correctly: pipeline requires workspace with name \"{declared.Name}\" be provided by pipelinerun")
                {
                    Owner = run.Spec.Workspaces.IsEmpty ? run : run.Spec,
                    Field = run.Spec.Workspaces.IsEmpty ? "spec" : "workspaces",
                    Fix = $"bind it under spec.workspaces (for example emptyDir: {{}}), or pass -w {declared.Name}=emptyDir",
                };
            }
        }
    }

    private static void ResolveTask(PipelineTaskState state, string ns, string pipelineName, ITaskResolver resolver)
    {
        var task = state.Original;
        if (task.TaskSpec is { } embedded)
        {
            if (embedded.Kind is not null and not "Task" || embedded.ApiVersion is not null)
            {
                throw new PipelineRunFailure("CouldntGetTask", $"Pipeline {ns}/{pipelineName} can't be Run; custom task {embedded.ApiVersion}/{embedded.Kind} of pipeline task \"{task.Name}\" is not known to Sluice");
            }

            state.Spec = embedded.Task;
            return;
        }

        if (task.TaskRef is { } reference)
        {
            if (reference.Resolver is { } resolverName)
            {
                throw new PipelineRunFailure("CouldntGetTask", $"Pipeline {ns}/{pipelineName} can't be Run; it contains Tasks that don't exist: pipeline task \"{task.Name}\" uses the \"{resolverName}\" resolver, which needs a cluster; give the Task in the files passed to sluice", needsCluster: true);
            }

            if (reference.Kind is not null and not "Task" || reference.ApiVersion is not null)
            {
                var custom = reference.ApiVersion is null ? null : resolver.FindCustomTask(reference.ApiVersion, reference.Kind ?? string.Empty);
                if (custom is null)
                {
                    throw new PipelineRunFailure("CouldntGetTask", $"Pipeline {ns}/{pipelineName} can't be Run; {CustomTaskNames.Unknown(reference.ApiVersion, reference.Kind)}: pipeline task \"{task.Name}\"")
                    {
                        Owner = state.Written.TaskRef ?? (object)state.Written,
                        Field = "kind",
                        Fix = CustomTaskNames.Fix,
                    };
                }

                state.Spec = custom.Declaration;
                state.TaskName = custom.Kind;
                return;
            }

            var definition = resolver.FindTask(reference.Name ?? string.Empty, ns)
                ?? throw new PipelineRunFailure("CouldntGetTask", $"Pipeline {ns}/{pipelineName} can't be Run; it contains Tasks that don't exist: Couldn't retrieve Task \"{reference.Name}\": tasks.tekton.dev \"{reference.Name}\" not found")
                {
                    Owner = state.Written.TaskRef ?? (object)state.Written,
                    Field = "name",
                    Fix = MissingTask.Fix(reference.Name, resolver, ns),
                };
            state.Spec = definition.Spec;
            state.TaskName = definition.Metadata.Name;
            return;
        }

        if (task.PipelineRef is not null || task.PipelineSpec is not null)
        {
            return;
        }

        throw new PipelineRunFailure("PipelineValidationFailed", $"PipelineTask \"{task.Name}\" must specify one of TaskRef, TaskSpec, PipelineRef, or PipelineSpec");
    }

    private static void ValidateResultReferences(PipelineSpec spec, Dictionary<string, PipelineTaskState> states, string name)
    {
        foreach (var state in states.Values)
        {
            foreach (var reference in state.References)
            {
                string? error = null;
                if (!states.TryGetValue(reference.Owner, out var referenced))
                {
                    error = $"referenced pipeline task \"{reference.Owner}\" does not exist";
                }
                else if (referenced.Spec is { } referencedSpec && !referencedSpec.Results.Any(r => r.Name == reference.Result))
                {
                    error = $"\"{reference.Result}\" is not a named result returned by pipeline task \"{reference.Owner}\"";
                }

                if (error is not null)
                {
                    var (owner, field) = Locate(state.Written, reference);
                    throw new PipelineRunFailure("InvalidTaskResultReference", $"invalid result reference in pipeline task \"{state.Name}\": {error}")
                    {
                        Owner = owner,
                        Field = field,
                        Fix = referenced is null ? $"name one of the Pipeline's tasks instead of \"{reference.Owner}\"" : $"declare the result \"{reference.Result}\" in the Task of \"{reference.Owner}\", or use one of its results",
                    };
                }
            }
        }

        foreach (var result in spec.Results)
        {
            foreach (var reference in result.Value.Expressions().Select(ResultReference.ParseTask).OfType<ResultReference>())
            {
                if (!states.TryGetValue(reference.Owner, out var referenced))
                {
                    throw new PipelineRunFailure("InvalidPipelineResultReference", $"Failed to resolve pipeline result reference for \"{name}\" with error invalid pipeline result \"{result.Name}\": referenced pipeline task \"{reference.Owner}\" does not exist");
                }

                if (referenced.Spec is { } referencedSpec && !referencedSpec.Results.Any(r => r.Name == reference.Result))
                {
                    throw new PipelineRunFailure("InvalidPipelineResultReference", $"Failed to resolve pipeline result reference for \"{name}\" with error invalid pipeline result \"{result.Name}\": \"{reference.Result}\" is not a named result returned by pipeline task \"{reference.Owner}\"");
                }
            }
        }
    }

    /// <summary>Where a result reference is written in a pipeline task: a param's value, a when guard, or the task.</summary>
    private static (object Owner, string? Field) Locate(PipelineTask task, ResultReference reference)
    {
        var text = $"tasks.{reference.Owner}.results.{reference.Result}";
        foreach (var param in task.AllParams())
        {
            if (param.Value.Expressions().Any(e => e.StartsWith(text, StringComparison.Ordinal)))
            {
                return (param, "value");
            }
        }

        foreach (var when in task.When)
        {
            if (when.Expressions().Any(e => e.StartsWith(text, StringComparison.Ordinal)))
            {
                return (when, when.Input?.Contains(text, StringComparison.Ordinal) == true ? "input" : "values");
            }
        }

        return (task, "name");
    }

    private static string TypeName(ParamType type) => type switch
    {
        ParamType.Array => "array",
        ParamType.Object => "object",
        _ => "string",
    };

    private static void ValidateOptionalWorkspaces(PipelineSpec spec, Dictionary<string, PipelineTaskState> states)
    {
        var optional = spec.Workspaces.Where(w => w.Optional == true).Select(w => w.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var state in states.Values)
        {
            if (state.Spec is null)
            {
                continue;
            }

            foreach (var binding in state.Original.Workspaces)
            {
                var pipelineWorkspace = binding.Workspace ?? binding.Name;
                var declared = state.Spec.Workspaces.FirstOrDefault(w => w.Name == binding.Name);
                if (optional.Contains(pipelineWorkspace) && declared is { Optional: not true })
                {
                    throw new PipelineRunFailure("RequiredWorkspaceMarkedOptional", $"{TektonMessages.UserError}Optional workspace not supported by task: pipeline workspace \"{pipelineWorkspace}\" is marked optional but pipeline task \"{state.Name}\" requires it be provided")
                    {
                        Owner = binding,
                        Field = "name",
                        Fix = "make the pipeline workspace required, or the Task's workspace optional",
                    };
                }
            }
        }
    }
}
