using System.Collections.Immutable;
using Sluice.Model;
using Sluice.Model.Pipelines;

namespace Sluice.Sdk;

/// <summary>
/// A task of a Pipeline: which Task it runs, with which param values and workspaces, after what and under which
/// conditions. <see cref="Result"/> gives typed references to its results for later tasks.
/// </summary>
public sealed class PipelineTaskBuilder
{
    private PipelineTask _task;

    internal PipelineTaskBuilder(PipelineTask task, bool isFinally, ImmutableArray<TaskResult>? results)
    {
        _task = task;
        IsFinally = isFinally;
        DeclaredResults = results;
    }

    /// <summary>The task's name in the Pipeline.</summary>
    public string Name => _task.Name;

    /// <summary>Whether it is a finally task, run after all others whatever their outcome.</summary>
    public bool IsFinally { get; }

    /// <summary>
    /// The outcome of the task for a finally task's when expressions: <c>Succeeded</c>, <c>Failed</c> or <c>None</c>,
    /// as <c>$(tasks.name.status)</c>.
    /// </summary>
    public string Status => $"$(tasks.{Name}.status)";

    /// <summary>The results the Task declares, when the builder knows the Task; null for a Task referred to by name only.</summary>
    internal ImmutableArray<TaskResult>? DeclaredResults { get; }

    internal PipelineTask Task => _task;

    /// <summary>A result of this task; a task whose params or when expressions use it runs after this one.</summary>
    /// <param name="name">The result's name, which the Task must declare when the builder knows the Task.</param>
    /// <exception cref="ArgumentException">The Task is known and declares no result of that name.</exception>
    public TaskResultReference Result(string name)
    {
        if (MissingResult(name) is { } error)
        {
            throw new ArgumentException(error, nameof(name));
        }

        return new TaskResultReference(Name, name, IsFinally);
    }

    /// <summary>Gives a string param its value; any result reference in it makes this task run after the result's task.</summary>
    /// <param name="name">The Task's param.</param>
    /// <param name="value">The value; may be or hold a <see cref="Reference"/>.</param>
    public PipelineTaskBuilder Param(string name, string value) => Bind(name, ParamValue.Of(value));

    /// <summary>Gives an array param its items.</summary>
    /// <param name="name">The Task's param.</param>
    /// <param name="items">The items; each may hold references.</param>
    public PipelineTaskBuilder Param(string name, IEnumerable<string> items) => Bind(name, ParamValue.Of(items));

    /// <summary>Gives an object param its keys and values.</summary>
    /// <param name="name">The Task's param.</param>
    /// <param name="value">The keys and values; each value may hold references.</param>
    public PipelineTaskBuilder Param(string name, IReadOnlyDictionary<string, string> value) => Bind(name, ParamValue.Of(value));

    /// <summary>Binds a workspace of the Task to a workspace of the Pipeline.</summary>
    /// <param name="name">The Task's workspace.</param>
    /// <param name="workspace">The Pipeline's workspace.</param>
    /// <param name="subPath">A directory inside the Pipeline's workspace to use instead of its root.</param>
    public PipelineTaskBuilder Workspace(string name, PipelineWorkspace workspace, string? subPath = null)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        var binding = new WorkspacePipelineTaskBinding { Name = name, Workspace = workspace.Name, SubPath = subPath };
        _task = _task with { Workspaces = Declarations.Put(_task.Workspaces, binding, w => w.Name) };
        return this;
    }

    /// <summary>Makes this task wait for others that it uses no result of.</summary>
    /// <param name="tasks">The tasks that must finish first.</param>
    public PipelineTaskBuilder RunAfter(params IEnumerable<PipelineTaskBuilder> tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        _task = _task with { RunAfter = [.. _task.RunAfter.Union(tasks.Select(t => t.Name), StringComparer.Ordinal)] };
        return this;
    }

    /// <summary>Runs the task only when <paramref name="input"/> is one of <paramref name="values"/>; otherwise it is skipped.</summary>
    /// <param name="input">The value tested, usually a <see cref="Reference"/> or a task's <see cref="Status"/>.</param>
    /// <param name="values">The values that let the task run.</param>
    public PipelineTaskBuilder WhenIn(string input, params IEnumerable<string> values) => When(input, "in", values);

    /// <summary>Runs the task only when <paramref name="input"/> is none of <paramref name="values"/>.</summary>
    /// <param name="input">The value tested, usually a <see cref="Reference"/>.</param>
    /// <param name="values">The values that make the task skip.</param>
    public PipelineTaskBuilder WhenNotIn(string input, params IEnumerable<string> values) => When(input, "notin", values);

    /// <summary>Sets how often a failed attempt is retried.</summary>
    /// <param name="retries">The number of retries.</param>
    public PipelineTaskBuilder Retries(int retries)
    {
        _task = _task with { Retries = retries };
        return this;
    }

    /// <summary>Sets how long each attempt may take.</summary>
    /// <param name="timeout">The limit; zero for none.</param>
    public PipelineTaskBuilder Timeout(TimeSpan timeout)
    {
        _task = _task with { Timeout = Duration.From(timeout) };
        return this;
    }

    /// <summary>Tekton's message when the Task is known and declares no result of that name, else null.</summary>
    internal string? MissingResult(string result) =>
        DeclaredResults is { } declared && !declared.Any(r => r.Name == result)
            ? $"\"{result}\" is not a named result returned by pipeline task \"{Name}\"" + (declared.IsEmpty ? "; its Task declares no results" : $"; its Task declares {string.Join(", ", declared.Select(r => r.Name))}")
            : null;

    private PipelineTaskBuilder Bind(string name, ParamValue value)
    {
        Declarations.RequireName(name, "param");
        _task = _task with { Params = Declarations.Put(_task.Params, new Param { Name = name, Value = value }, p => p.Name) };
        return this;
    }

    private PipelineTaskBuilder When(string input, string op, IEnumerable<string> values)
    {
        _task = _task with { When = _task.When.Add(new WhenExpression { Input = input, Operator = op, Values = [.. values] }) };
        return this;
    }
}
