using System.Collections.Immutable;
using Sluice.Model.Pipelines;
using Sluice.Model.Substitution;

namespace Sluice.Model.Validation;

/// <summary>Tekton's static checks of a Pipeline spec, with its messages (pkg/apis/pipeline/v1/pipeline_validation.go).</summary>
public static class PipelineValidator
{
    private const string ExecutionStatusMessage = "invalid value: pipeline tasks can not refer to execution status of any other pipeline task or aggregate status of tasks";
    private static readonly ImmutableHashSet<string> ValidPrefixes = ["params", "tasks", "finally", "context", "workspaces", "results"];

    /// <summary>Checks a Pipeline spec.</summary>
    /// <param name="context">Where to report.</param>
    /// <param name="spec">The spec.</param>
    /// <param name="path">Its field path.</param>
    /// <param name="standalone">Whether it belongs to a Pipeline resource: then every param and workspace its tasks use must be declared.</param>
    public static void Validate(ValidationContext context, PipelineSpec spec, string path, bool standalone)
    {
        if (spec.Tasks.IsEmpty && spec.Finally.IsEmpty && spec.Params.IsEmpty && spec.Workspaces.IsEmpty && spec.Description is null)
        {
            context.Error(spec, null, ValidationContext.Join(path, "tasks"), "expected at least one, got none", "add a task under tasks");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        ValidateTasks(context, spec.Tasks, ValidationContext.Join(path, "tasks"), names, standalone ? spec.Params : null);
        ValidateTasks(context, spec.Finally, ValidationContext.Join(path, "finally"), names, standalone ? spec.Params : null);
        var (_, graphError) = PipelineGraph.Build(spec.Tasks.GroupBy(t => t.Name, StringComparer.Ordinal).Select(g => g.First()).ToList());
        if (graphError is not null)
        {
            context.Error(FindCulprit(spec, graphError) ?? (object)spec, "runAfter", ValidationContext.Join(path, "tasks"), $"invalid value: {graphError}", "remove the dependency or add the missing task");
        }

        TaskValidator.ValidateParams(context, spec.Params, spec, ValidationContext.Join(path, "params"));
        ValidateContextVariables(context, spec.Tasks, ValidationContext.Join(path, "tasks"));
        ValidateContextVariables(context, spec.Finally, ValidationContext.Join(path, "finally"));
        ValidateExecutionStatus(context, spec, path);
        ValidateWorkspaceDeclarations(context, spec, path);
        ValidateResults(context, spec, path);
        if (!spec.Finally.IsEmpty && spec.Tasks.IsEmpty)
        {
            context.Error(spec, "finally", ValidationContext.Join(path, "finally"), $"invalid value: spec.tasks is empty but spec.finally has {spec.Finally.Length} tasks", "move a task from finally to tasks");
        }

        ValidateFinally(context, spec, path);
        ValidatePrefixes(context, spec.Tasks, ValidationContext.Join(path, "tasks"));
        ValidatePrefixes(context, spec.Finally, ValidationContext.Join(path, "finally"));
        if (standalone)
        {
            ValidateParamUsage(context, spec, spec.Tasks, ValidationContext.Join(path, "tasks"));
            ValidateParamUsage(context, spec, spec.Finally, ValidationContext.Join(path, "finally"));
            ValidateWorkspaceUsage(context, spec, spec.Tasks, ValidationContext.Join(path, "tasks"));
            ValidateWorkspaceUsage(context, spec, spec.Finally, ValidationContext.Join(path, "finally"));
        }
    }

    private static void ValidateTasks(ValidationContext context, ImmutableArray<PipelineTask> tasks, string path, HashSet<string> names, ImmutableArray<ParamSpec>? pipelineParams)
    {
        for (var i = 0; i < tasks.Length; i++)
        {
            var task = tasks[i];
            var taskPath = $"{path}[{i}]";
            if (!Names.IsDnsLabel(task.Name))
            {
                context.Error(task, "name", $"{taskPath}.name", $"invalid value \"{task.Name}\"", "Pipeline Task name must be a valid DNS Label: lowercase letters, digits and '-', at most 63 characters");
            }

            if (!names.Add(task.Name))
            {
                context.Error(task, "name", $"{taskPath}.name", "expected exactly one, got both", $"another task is already named \"{task.Name}\"; rename one");
            }

            var given = new List<string>();
            if (task.TaskRef is not null)
            {
                given.Add("taskRef");
            }

            if (task.TaskSpec is not null)
            {
                given.Add("taskSpec");
            }

            if (task.PipelineRef is not null)
            {
                given.Add("pipelineRef");
            }

            if (task.PipelineSpec is not null)
            {
                given.Add("pipelineSpec");
            }

            if (given.Count > 1)
            {
                context.Error(task, given[1], $"{taskPath}.{string.Join(", ", given)}", "expected exactly one, got multiple", "keep one of taskRef, taskSpec, pipelineRef, pipelineSpec");
            }
            else if (given.Count == 0)
            {
                context.Error(task, null, $"{taskPath}.taskRef, {taskPath}.taskSpec", "expected exactly one, got neither", "give the task a taskRef or a taskSpec");
            }

            if (!string.IsNullOrEmpty(task.OnError) && !task.OnError.StartsWith("$(params", StringComparison.Ordinal))
            {
                if (task.OnError is not ("continue" or "stopAndFail"))
                {
                    context.Error(task, "onError", $"{taskPath}.OnError", $"invalid value: {task.OnError}", "PipelineTask OnError must be either \"continue\" or \"stopAndFail\"");
                }
                else if (task.OnError == "continue" && task.Retries > 0)
                {
                    context.Error(task, "onError", taskPath, "PipelineTask OnError cannot be set to \"continue\" when Retries is greater than 0");
                }
            }

            ValidateTaskBody(context, task, taskPath, pipelineParams);
            var seenParams = new HashSet<string>(StringComparer.Ordinal);
            for (var p = 0; p < task.Params.Length; p++)
            {
                if (!seenParams.Add(task.Params[p].Name))
                {
                    context.Error(task.Params[p], "name", $"{taskPath}.params[{p}].name", $"parameter names must be unique, the parameter \"{task.Params[p].Name}\" is also defined at", "remove the duplicate param");
                }
            }

            WhenValidator.Validate(context, task.When, $"{taskPath}.when", allowCel: true);
            ValidateMatrix(context, task, taskPath);
        }
    }

    private static void ValidateTaskBody(ValidationContext context, PipelineTask task, string taskPath, ImmutableArray<ParamSpec>? pipelineParams)
    {
        var isCustom = (task.TaskRef is { } r && ((r.Kind is not null and not "Task") || r.ApiVersion is not null)) ||
                       (task.TaskSpec is { } s && ((s.Kind is not null and not "Task") || s.ApiVersion is not null));
        if (task.TaskSpec is { } embedded && !embedded.Task.Steps.IsEmpty)
        {
            if (embedded.ApiVersion is not null)
            {
                context.Error(embedded, "apiVersion", $"{taskPath}.taskSpec.apiVersion", "taskSpec.apiVersion cannot be specified when using taskSpec.steps");
            }

            if (embedded.Kind is not null)
            {
                context.Error(embedded, "kind", $"{taskPath}.taskSpec.kind", "taskSpec.kind cannot be specified when using taskSpec.steps");
            }
        }
        else if (isCustom)
        {
            if (task.TaskRef is { } customRef)
            {
                if (customRef.Kind is null)
                {
                    context.Error(customRef, null, $"{taskPath}.taskRef.kind", "invalid value: custom task ref must specify kind");
                }

                if (customRef.ApiVersion is null)
                {
                    context.Error(customRef, null, $"{taskPath}.taskRef.apiVersion", "invalid value: custom task ref must specify apiVersion");
                }
            }

            return;
        }

        if (task.TaskRef is { } taskRef && taskRef.Name is null && taskRef.Resolver is null)
        {
            context.Error(taskRef, null, $"{taskPath}.taskRef.name", "missing field(s)", "name the Task to run");
        }

        if (task.TaskSpec is { } spec && !isCustom)
        {
            TaskValidator.Validate(context, spec.Task, $"{taskPath}.taskSpec", standalone: false, pipelineParams.HasValue ? pipelineParams.Value.AddRange(spec.Task.Params) : null);
        }

        if (task.PipelineSpec is { } child)
        {
            Validate(context, child, $"{taskPath}.pipelineSpec", standalone: false);
        }
    }

    private static void ValidateMatrix(ValidationContext context, PipelineTask task, string taskPath)
    {
        if (task.Matrix is not { } matrix)
        {
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var param in matrix.Params)
        {
            if (!names.Add(param.Name))
            {
                context.Error(param, "name", $"{taskPath}.matrix.params[{param.Name}]", $"parameter names must be unique, the parameter \"{param.Name}\" is also defined at");
            }

            if (task.Params.Any(p => p.Name == param.Name))
            {
                context.Error(param, "name", $"{taskPath}.matrix[{param.Name}]", $"duplicate parameter name \"{param.Name}\": a param may be in params or in matrix, not both");
            }
        }

        var combinations = matrix.Params.Aggregate(1L, (n, p) => p.Value.Type == ParamType.Array ? n * Math.Max(1, p.Value.ArrayValue.Length) : n);
        if (combinations > 256)
        {
            context.Error(matrix, "params", $"{taskPath}.matrix", $"expected 0 <= {combinations} <= 256", "Tekton allows at most 256 combinations");
        }
    }

    private static void ValidateContextVariables(ValidationContext context, ImmutableArray<PipelineTask> tasks, string path)
    {
        foreach (var task in tasks)
        {
            foreach (var param in task.AllParams())
            {
                foreach (var value in Values(param.Value))
                {
                    Check(param, value, "context\\.pipelineRun", ["name", "namespace", "uid"]);
                    Check(param, value, "context\\.pipeline", ["name"]);
                    Check(param, value, "context\\.pipelineTask", ["retries"]);
                }
            }
        }

        void Check(Param param, string value, string prefix, string[] known)
        {
            var found = Variables.Extract(value, prefix);
            if (found.Present && found.Names.FirstOrDefault(n => !known.Contains(Variables.TrimIndex(n))) is { } unknown)
            {
                context.Error(param, "value", $"{path}.value", $"non-existent variable `{unknown}` in \"{value}\"", $"use one of: {string.Join(", ", known.Select(k => $"$({prefix.Replace("\\", string.Empty, StringComparison.Ordinal)}.{k})"))}");
            }
        }
    }

    private static void ValidateExecutionStatus(ValidationContext context, PipelineSpec spec, string path)
    {
        for (var i = 0; i < spec.Tasks.Length; i++)
        {
            var task = spec.Tasks[i];
            foreach (var param in task.Params)
            {
                if (ContainsExecutionStatus([.. param.Value.Expressions()]))
                {
                    context.Error(param, "value", $"{path}.tasks[{i}].params[{param.Name}].value", ExecutionStatusMessage, "only finally tasks may read $(tasks.<name>.status)");
                }
            }

            for (var w = 0; w < task.When.Length; w++)
            {
                if (ContainsExecutionStatus([.. task.When[w].Expressions()]))
                {
                    context.Error(task.When[w], null, $"{path}.tasks[{i}].when[{w}]", ExecutionStatusMessage, "only finally tasks may read $(tasks.<name>.status)");
                }
            }
        }

        var dagNames = spec.Tasks.Select(t => t.Name).ToImmutableHashSet(StringComparer.Ordinal);
        for (var i = 0; i < spec.Finally.Length; i++)
        {
            var task = spec.Finally[i];
            foreach (var (owner, expressions, fieldPath) in task.Params.Select(p => ((object)p, p.Value.Expressions().ToList(), $"{path}.finally[{i}].params[{p.Name}].value"))
                         .Concat(task.When.Select((w, n) => ((object)w, w.Expressions().ToList(), $"{path}.finally[{i}].when[{n}]"))))
            {
                if (expressions.Any(ResultReference.LooksLikeTaskResult))
                {
                    continue;
                }

                foreach (var expression in expressions)
                {
                    if (expression == "tasks.status" || !IsExecutionStatus(expression))
                    {
                        continue;
                    }

                    var name = expression["tasks.".Length..expression.LastIndexOf('.')];
                    if (!dagNames.Contains(name))
                    {
                        context.Error(owner, null, fieldPath, $"invalid value: pipeline task {name} is not defined in the pipeline", "name a task of spec.tasks");
                    }
                }
            }
        }
    }

    private static bool ContainsExecutionStatus(IReadOnlyList<string> expressions) =>
        !expressions.Any(ResultReference.LooksLikeTaskResult) && expressions.Any(IsExecutionStatus);

    private static bool IsExecutionStatus(string expression) =>
        expression.StartsWith("tasks.", StringComparison.Ordinal) && (expression.EndsWith(".status", StringComparison.Ordinal) || expression.EndsWith(".reason", StringComparison.Ordinal));

    private static void ValidateWorkspaceDeclarations(ValidationContext context, PipelineSpec spec, string path)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < spec.Workspaces.Length; i++)
        {
            var workspace = spec.Workspaces[i];
            if (workspace.Name.Length == 0)
            {
                context.Error(workspace, null, $"{path}.workspaces[{i}]", $"invalid value: workspace {i} has empty name");
            }
            else if (!names.Add(workspace.Name))
            {
                context.Error(workspace, "name", $"{path}.workspaces[{i}]", $"invalid value: workspace with name \"{workspace.Name}\" appears more than once");
            }
        }
    }

    private static void ValidateResults(ValidationContext context, PipelineSpec spec, string path)
    {
        var tasks = spec.Tasks.Select(t => t.Name).ToImmutableHashSet(StringComparer.Ordinal);
        var finals = spec.Finally.Select(t => t.Name).ToImmutableHashSet(StringComparer.Ordinal);
        for (var i = 0; i < spec.Results.Length; i++)
        {
            var result = spec.Results[i];
            var resultPath = $"{path}.results[{i}].value";
            var expressions = result.Value.Expressions().ToList();
            if (expressions.Count == 0)
            {
                context.Error(result, "value", resultPath, "invalid value: expected pipeline results to be task result expressions but no expressions were found", "set value to $(tasks.<task>.results.<result>)");
                continue;
            }

            if (!expressions.Any(ResultReference.LooksLikeTaskResult))
            {
                context.Error(result, "value", resultPath, "invalid value: expected pipeline results to be task result expressions but an invalid expressions was found", "set value to $(tasks.<task>.results.<result>)");
                continue;
            }

            foreach (var reference in expressions.Select(ResultReference.ParseTask).OfType<ResultReference>())
            {
                var exists = reference.Scope == "finally" ? finals.Contains(reference.Owner) : tasks.Contains(reference.Owner);
                if (!exists)
                {
                    context.Error(result, "value", resultPath, "invalid value: referencing a nonexistent task", $"no task is named \"{reference.Owner}\" in {reference.Scope}");
                }
            }
        }
    }

    private static void ValidateFinally(ValidationContext context, PipelineSpec spec, string path)
    {
        var tasks = spec.Tasks.Select(t => t.Name).ToImmutableHashSet(StringComparer.Ordinal);
        var finals = spec.Finally.Select(t => t.Name).ToImmutableHashSet(StringComparer.Ordinal);
        for (var i = 0; i < spec.Finally.Length; i++)
        {
            var task = spec.Finally[i];
            if (!task.RunAfter.IsEmpty)
            {
                context.Error(task, "runAfter", $"{path}.finally[{i}]", $"invalid value: no runAfter allowed under spec.finally, final task {task.Name} has runAfter specified", "remove runAfter: finally tasks run after all tasks");
            }

            foreach (var (owner, expressions, fieldPath) in task.Params.Select(p => ((object)p, p.Value.Expressions(), $"{path}.finally[{i}].params[{p.Name}].value"))
                         .Concat(task.When.Select((w, n) => ((object)w, w.Expressions(), $"{path}.finally[{i}].when[{n}]"))))
            {
                foreach (var reference in expressions.Select(ResultReference.ParseTask).OfType<ResultReference>())
                {
                    if (finals.Contains(reference.Owner))
                    {
                        context.Error(owner, null, fieldPath, $"invalid value: invalid task result reference, final task has task result reference from a final task {reference.Owner}");
                    }
                    else if (!tasks.Contains(reference.Owner))
                    {
                        context.Error(owner, null, fieldPath, $"invalid value: invalid task result reference, final task has task result reference from a task {reference.Owner} which is not defined in the pipeline");
                    }
                }
            }
        }
    }

    private static void ValidatePrefixes(ValidationContext context, ImmutableArray<PipelineTask> tasks, string path)
    {
        for (var i = 0; i < tasks.Length; i++)
        {
            foreach (var param in tasks[i].AllParams())
            {
                foreach (var expression in param.Value.Expressions())
                {
                    if (!ValidPrefixes.Contains(expression.Split('.', 2)[0]))
                    {
                        context.Error(param, "value", $"{path}[{i}].params[{param.Name}].value", $"invalid value: invalid variable reference \"$({expression})\", must start with a valid prefix: params, tasks, finally, context, workspaces, or results; if you meant a shell variable, use ${{VAR}} instead");
                    }
                }
            }

            for (var w = 0; w < tasks[i].When.Length; w++)
            {
                foreach (var expression in tasks[i].When[w].Expressions())
                {
                    if (!ValidPrefixes.Contains(expression.Split('.', 2)[0]))
                    {
                        context.Error(tasks[i].When[w], null, $"{path}[{i}].when[{w}]", $"invalid value: invalid variable reference \"$({expression})\", must start with a valid prefix: params, tasks, finally, context, workspaces, or results; if you meant a shell variable, use ${{VAR}} instead");
                    }
                }
            }
        }
    }

    private static void ValidateParamUsage(ValidationContext context, PipelineSpec spec, ImmutableArray<PipelineTask> tasks, string path)
    {
        var all = spec.Params.Select(p => p.Name).ToImmutableHashSet(StringComparer.Ordinal);
        var objectKeys = spec.Params.Where(p => p.Type == ParamType.Object).ToDictionary(p => p.Name, p => p.Properties.Keys.ToImmutableHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        for (var i = 0; i < tasks.Length; i++)
        {
            var task = tasks[i];
            foreach (var param in task.AllParams())
            {
                foreach (var value in Values(param.Value))
                {
                    CheckParamReference(context, param, value, $"{path}[{i}].params[{param.Name}]", all, objectKeys);
                }
            }

            for (var w = 0; w < task.When.Length; w++)
            {
                foreach (var value in new[] { task.When[w].Input }.Concat(task.When[w].Values))
                {
                    CheckParamReference(context, task.When[w], value, $"{path}[{i}].when[{w}]", all, objectKeys);
                }
            }
        }
    }

    private static void CheckParamReference(ValidationContext context, object owner, string? value, string path, ImmutableHashSet<string> declared, Dictionary<string, ImmutableHashSet<string>> objectKeys)
    {
        var found = Variables.Extract(value, "params");
        if (!found.Present)
        {
            return;
        }

        if (found.Error is not null)
        {
            context.Error(owner, "value", path, found.Error);
            return;
        }

        for (var n = 0; n < found.Names.Length; n++)
        {
            var name = Variables.TrimIndex(found.Names[n]);
            if (!declared.Contains(name))
            {
                context.Error(owner, "value", path, $"non-existent variable `{name}` in \"{value}\"", declared.IsEmpty ? "declare the param in the Pipeline's params" : $"declare it, or use one of: {string.Join(", ", declared.Order(StringComparer.Ordinal))}");
                return;
            }

            var whole = found.WholeNames[n];
            if (objectKeys.TryGetValue(name, out var keys) && whole.Contains('.', StringComparison.Ordinal))
            {
                var key = Variables.TrimIndex(whole.Split('.', 2)[1]);
                if (!keys.Contains(key))
                {
                    context.Error(owner, "value", path, $"non-existent variable `{name}.{key}` in \"{value}\"", $"object param {name} has keys: {string.Join(", ", keys.Order(StringComparer.Ordinal))}");
                    return;
                }
            }
        }
    }

    private static void ValidateWorkspaceUsage(ValidationContext context, PipelineSpec spec, ImmutableArray<PipelineTask> tasks, string path)
    {
        var declared = spec.Workspaces.Select(w => w.Name).ToImmutableHashSet(StringComparer.Ordinal);
        for (var i = 0; i < tasks.Length; i++)
        {
            var task = tasks[i];
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var w = 0; w < task.Workspaces.Length; w++)
            {
                var binding = task.Workspaces[w];
                if (!seen.Add(binding.Name))
                {
                    context.Error(binding, "name", $"{path}[{i}].workspaces[{w}]", $"workspace name \"{binding.Name}\" must be unique");
                }

                var target = binding.Workspace ?? binding.Name;
                if (!declared.Contains(target))
                {
                    context.Error(binding, binding.Workspace is null ? "name" : "workspace", $"{path}[{i}].workspaces[{w}]", $"invalid value: pipeline task \"{task.Name}\" expects workspace with name \"{target}\" but none exists in pipeline spec", "declare it in the Pipeline's workspaces");
                }
            }
        }
    }

    private static IEnumerable<string> Values(ParamValue value) => value.Type switch
    {
        ParamType.Array => value.ArrayValue,
        ParamType.Object => value.ObjectValue.Values,
        _ => [value.StringValue],
    };

    private static PipelineTask? FindCulprit(PipelineSpec spec, string error)
    {
        foreach (var task in spec.Tasks)
        {
            if (error.Contains($"task \"{task.Name}\" depends", StringComparison.Ordinal) || error.Contains($"task {task.Name} depends", StringComparison.Ordinal))
            {
                return task;
            }
        }

        return null;
    }
}
