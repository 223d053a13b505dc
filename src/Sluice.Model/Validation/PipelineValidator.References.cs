using System.Collections.Immutable;
using Sluice.Model.Diagnostics;
using Sluice.Model.Pipelines;
using Sluice.Model.Substitution;

namespace Sluice.Model.Validation;

/// <summary>Variable references of pipeline tasks: context, execution status, finally, results, params and workspaces.</summary>
public static partial class PipelineValidator
{
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
                context.Error(param, "value", $"{path}.value", $"non-existent variable `{unknown}` in {GoQuote.Of(value)}", $"use one of: {string.Join(", ", known.Select(k => $"$({prefix.Replace("\\", string.Empty, StringComparison.Ordinal)}.{k})"))}");
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
            foreach (var (owner, field, expressions, fieldPath) in task.Params.Select(p => ((object)p, (string?)"value", p.Value.Expressions().ToList(), $"{path}.finally[{i}].params[{p.Name}].value"))
                         .Concat(task.When.Select((w, n) => ((object)w, (string?)null, w.Expressions().ToList(), $"{path}.finally[{i}].when[{n}]"))))
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
                        context.Error(owner, field, fieldPath, $"invalid value: pipeline task {name} is not defined in the pipeline", "name a task of spec.tasks");
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
                context.Error(workspace, null, $"{path}.workspaces[{i}]", $"invalid value: workspace {i} has empty name", "name the workspace");
            }
            else if (!names.Add(workspace.Name))
            {
                context.Error(workspace, "name", $"{path}.workspaces[{i}]", $"invalid value: workspace with name {GoQuote.Of(workspace.Name)} appears more than once", "declare each workspace once");
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
                    context.Error(result, "value", resultPath, "invalid value: referencing a nonexistent task", $"no task is named {GoQuote.Of(reference.Owner)} in {reference.Scope}");
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

            foreach (var (owner, field, expressions, fieldPath) in task.Params.Select(p => ((object)p, (string?)"value", p.Value.Expressions(), $"{path}.finally[{i}].params[{p.Name}].value"))
                         .Concat(task.When.Select((w, n) => ((object)w, (string?)null, w.Expressions(), $"{path}.finally[{i}].when[{n}]"))))
            {
                foreach (var reference in expressions.Select(ResultReference.ParseTask).OfType<ResultReference>())
                {
                    if (finals.Contains(reference.Owner))
                    {
                        context.Error(owner, field, fieldPath, $"invalid value: invalid task result reference, final task has task result reference from a final task {reference.Owner}", "finally tasks run together: read results of tasks under spec.tasks only");
                    }
                    else if (!tasks.Contains(reference.Owner))
                    {
                        context.Error(owner, field, fieldPath, $"invalid value: invalid task result reference, final task has task result reference from a task {reference.Owner} which is not defined in the pipeline", "name a task of spec.tasks");
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
                        context.Error(param, "value", $"{path}[{i}].params[{param.Name}].value", $"invalid value: invalid variable reference \"$({expression})\", must start with a valid prefix: params, tasks, finally, context, workspaces, or results; if you meant a shell variable, use ${{VAR}} instead", "start the reference with params., tasks., finally., context., workspaces. or results.");
                    }
                }
            }

            for (var w = 0; w < tasks[i].When.Length; w++)
            {
                foreach (var expression in tasks[i].When[w].Expressions())
                {
                    if (!ValidPrefixes.Contains(expression.Split('.', 2)[0]))
                    {
                        context.Error(tasks[i].When[w], null, $"{path}[{i}].when[{w}]", $"invalid value: invalid variable reference \"$({expression})\", must start with a valid prefix: params, tasks, finally, context, workspaces, or results; if you meant a shell variable, use ${{VAR}} instead", "start the reference with params., tasks., finally., context., workspaces. or results.");
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
            context.Error(owner, "value", path, found.Error, TaskValidator.DottedReferenceFix);
            return;
        }

        for (var n = 0; n < found.Names.Length; n++)
        {
            var name = Variables.TrimIndex(found.Names[n]);
            if (!declared.Contains(name))
            {
                context.Error(owner, "value", path, $"non-existent variable `{name}` in {GoQuote.Of(value)}", declared.IsEmpty ? "declare the param in the Pipeline's params" : $"declare it, or use one of: {string.Join(", ", declared.Order(StringComparer.Ordinal))}");
                return;
            }

            var whole = found.WholeNames[n];
            if (objectKeys.TryGetValue(name, out var keys) && whole.Contains('.', StringComparison.Ordinal))
            {
                var key = Variables.TrimIndex(whole.Split('.', 2)[1]);
                if (!keys.Contains(key))
                {
                    context.Error(owner, "value", path, $"non-existent variable `{name}.{key}` in {GoQuote.Of(value)}", $"object param {name} has keys: {string.Join(", ", keys.Order(StringComparer.Ordinal))}");
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
                    context.Error(binding, "name", $"{path}[{i}].workspaces[{w}]", $"workspace name {GoQuote.Of(binding.Name)} must be unique", "bind each workspace of the task once");
                }

                var target = binding.Workspace ?? binding.Name;
                if (!declared.Contains(target))
                {
                    context.Error(binding, binding.Workspace is null ? "name" : "workspace", $"{path}[{i}].workspaces[{w}]", $"invalid value: pipeline task {GoQuote.Of(task.Name)} expects workspace with name {GoQuote.Of(target)} but none exists in pipeline spec", "declare it in the Pipeline's workspaces");
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
}
