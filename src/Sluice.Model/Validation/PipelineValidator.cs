using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Sluice.Model.Diagnostics;
using Sluice.Model.Pipelines;
using Sluice.Model.Substitution;

namespace Sluice.Model.Validation;

/// <summary>Tekton's static checks of a Pipeline spec, with its messages (pkg/apis/pipeline/v1/pipeline_validation.go).</summary>
public static partial class PipelineValidator
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
        if (IsEmpty(spec))
        {
            context.Error(spec, null, ValidationContext.Join(path, "tasks"), "expected at least one, got none", "add a task under tasks");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        ValidateTasks(context, spec.Tasks, ValidationContext.Join(path, "tasks"), names, standalone ? spec.Params : null);
        ValidateTasks(context, spec.Finally, ValidationContext.Join(path, "finally"), names, standalone ? spec.Params : null);
        // A second task of one name is reported above; the graph is built over the first of each name so that
        // the same mistake is not reported again as Tekton's "already present in Graph".
        var (_, graphError) = PipelineGraph.Build([.. spec.Tasks.DistinctBy(t => t.Name, StringComparer.Ordinal)]);
        if (graphError is not null)
        {
            var (culprit, field) = FindCulprit(spec, graphError);
            var fix = graphError.StartsWith("cycle", StringComparison.Ordinal) ? "remove one of the dependencies that make the cycle" : "remove the dependency or add the missing task";
            context.Error(culprit, field, ValidationContext.Join(path, "tasks"), $"invalid value: {graphError}", fix);
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
                context.Error(task, "name", $"{taskPath}.name", $"invalid value {GoQuote.Of(task.Name)}", "Pipeline Task name must be a valid DNS Label: lowercase letters, digits and '-', at most 63 characters");
            }

            if (!names.Add(task.Name))
            {
                context.Error(task, "name", $"{taskPath}.name", "expected exactly one, got both", $"another task is already named {GoQuote.Of(task.Name)}; rename one");
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
                context.Error(task, given[1], string.Join(", ", given.Select(g => $"{taskPath}.{g}")), "expected exactly one, got multiple", "keep one of taskRef, taskSpec, pipelineRef, pipelineSpec");
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
                    context.Error(task, "onError", taskPath, "PipelineTask OnError cannot be set to \"continue\" when Retries is greater than 0", "remove retries, or set onError: stopAndFail");
                }
            }

            ValidateTaskBody(context, task, taskPath, pipelineParams);
            var seenParams = new HashSet<string>(StringComparer.Ordinal);
            for (var p = 0; p < task.Params.Length; p++)
            {
                if (!seenParams.Add(task.Params[p].Name))
                {
                    context.Error(task.Params[p], "name", $"{taskPath}.params[{p}].name", $"parameter names must be unique, the parameter {GoQuote.Of(task.Params[p].Name)} is also defined at", "remove the duplicate param");
                }
            }

            WhenValidator.Validate(context, task.When, $"{taskPath}.when", allowCel: true);
            ValidateMatrix(context, task, taskPath);
        }
    }

    private static void ValidateTaskBody(ValidationContext context, PipelineTask task, string taskPath, ImmutableArray<ParamSpec>? pipelineParams)
    {
        if (task.TaskSpec is { } inline && pipelineParams is { } declared)
        {
            // validateUsageOfDeclaredPipelineTaskParameters: a Pipeline resource's inline task may use its own
            // params and the pipeline's, reported under the pipeline task.
            TaskValidator.ValidateParameterUsage(context, inline.Task, [.. inline.Task.Params, .. declared], taskPath);
        }

        var isCustom = (task.TaskRef is { } r && ((r.Kind is not null and not "Task") || r.ApiVersion is not null)) ||
                       (task.TaskSpec is { } s && ((s.Kind is not null and not "Task") || s.ApiVersion is not null));
        if (task.TaskSpec is { } embedded && !embedded.Task.Steps.IsEmpty)
        {
            if (embedded.ApiVersion is not null)
            {
                context.Error(embedded, "apiVersion", $"{taskPath}.taskSpec.apiVersion", "taskSpec.apiVersion cannot be specified when using taskSpec.steps", "remove apiVersion from the taskSpec");
            }

            if (embedded.Kind is not null)
            {
                context.Error(embedded, "kind", $"{taskPath}.taskSpec.kind", "taskSpec.kind cannot be specified when using taskSpec.steps", "remove kind from the taskSpec");
            }
        }
        else if (isCustom)
        {
            if (task.TaskRef is { } customRef)
            {
                if (customRef.Kind is null)
                {
                    context.Error(customRef, null, $"{taskPath}.taskRef.kind", "invalid value: custom task ref must specify kind", "add the custom task's kind to the taskRef");
                }

                if (customRef.ApiVersion is null)
                {
                    context.Error(customRef, null, $"{taskPath}.taskRef.apiVersion", "invalid value: custom task ref must specify apiVersion", "add the custom task's apiVersion to the taskRef");
                }
            }

            return;
        }

        if (task.TaskRef is { } taskRef && taskRef.Name is null && taskRef.Resolver is null)
        {
            context.Missing(taskRef, "name", $"{taskPath}.taskRef.name", "name the Task to run");
        }

        if (task.TaskSpec is { } spec && !isCustom)
        {
            TaskValidator.Validate(context, spec.Task, $"{taskPath}.taskSpec");
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
                context.Error(param, "name", $"{taskPath}.matrix.params[{param.Name}]", $"parameter names must be unique, the parameter {GoQuote.Of(param.Name)} is also defined at", "remove the duplicate param");
            }

            if (task.Params.Any(p => p.Name == param.Name))
            {
                context.Error(param, "name", $"{taskPath}.matrix[{param.Name}]", $"duplicate parameter name {GoQuote.Of(param.Name)}: a param may be in params or in matrix, not both", "keep the param in params or in matrix");
            }
        }

        var combinations = matrix.Params.Aggregate(1L, (n, p) => p.Value.Type == ParamType.Array ? n * Math.Max(1, p.Value.ArrayValue.Length) : n);
        if (combinations > 256)
        {
            context.Error(matrix, "params", $"{taskPath}.matrix", $"expected 0 <= {combinations} <= 256", "Tekton allows at most 256 combinations");
        }
    }

    /// <summary>
    /// Where a graph error's dependency is written: the task's runAfter, the param or when expression that refers
    /// to the other task's results, or else the task.
    /// </summary>
    private static (object Owner, string? Field) FindCulprit(PipelineSpec spec, string error)
    {
        var match = DependencyPattern().Match(error);
        if (!match.Success || spec.Tasks.FirstOrDefault(t => t.Name == match.Groups["task"].Value) is not { } task)
        {
            return (spec, "tasks");
        }

        var dependency = match.Groups["dependency"].Value;
        if (task.RunAfter.Contains(dependency, StringComparer.Ordinal))
        {
            return (task, "runAfter");
        }

        bool RefersTo(IEnumerable<string> expressions) => expressions.Any(e => ResultReference.ParseTask(e)?.Owner == dependency);

        foreach (var param in task.AllParams())
        {
            if (RefersTo(param.Value.Expressions()))
            {
                return (param, "value");
            }
        }

        foreach (var when in task.When)
        {
            if (RefersTo(Variables.Expressions(when.Input)))
            {
                return (when, "input");
            }

            if (RefersTo(when.Expressions()))
            {
                return (when, when.Cel is null ? "values" : "cel");
            }
        }

        return (task, task.TaskSpec is null ? null : "taskSpec");
    }

    /// <summary>The task and the dependency a graph error names: <c>task a depends on b but...</c>, <c>task "a" depends on "b"</c>.</summary>
    [GeneratedRegex("task \"?(?<task>[^\" ]+)\"? depends on \"?(?<dependency>[^\", ]+)", RegexOptions.CultureInvariant)]
    private static partial Regex DependencyPattern();

    /// <summary>PipelineSpec.Validate's <c>equality.Semantic.DeepEqual(ps, &amp;PipelineSpec{})</c>: nothing at all is set.</summary>
    private static bool IsEmpty(PipelineSpec spec) =>
        string.IsNullOrEmpty(spec.DisplayName) && string.IsNullOrEmpty(spec.Description) && spec.Tasks.IsEmpty && spec.Finally.IsEmpty &&
        spec.Params.IsEmpty && spec.Workspaces.IsEmpty && spec.Results.IsEmpty;
}
