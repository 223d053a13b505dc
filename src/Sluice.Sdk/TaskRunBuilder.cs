using Sluice.Model;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;

namespace Sluice.Sdk;

/// <summary>
/// Builds a Tekton <c>TaskRun</c>:
/// <code>
/// var run = new TaskRunBuilder("greet-run").Task(greet).Param("who", "Sluice").Timeout(TimeSpan.FromMinutes(5)).Build();
/// </code>
/// </summary>
public sealed class TaskRunBuilder : RunBuilder<TaskRunBuilder, TaskRun>
{
    private TaskReference? _taskRef;
    private TaskSpec? _taskSpec;
    private Duration? _timeout;
    private string? _serviceAccount;

    /// <summary>Starts a TaskRun.</summary>
    /// <param name="name">The run's name.</param>
    public TaskRunBuilder(string name)
        : base(name)
    {
    }

    /// <summary>Runs a Task by its name (<c>taskRef</c>).</summary>
    /// <param name="task">The Task; the run refers to its <c>metadata.name</c>.</param>
    public TaskRunBuilder Task(TaskDefinition task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return Task(new TaskReference { Name = task.Metadata.Name });
    }

    /// <summary>Runs a Task known by reference.</summary>
    /// <param name="reference">The reference, written as <c>taskRef</c>.</param>
    public TaskRunBuilder Task(TaskReference reference)
    {
        _taskRef = reference;
        _taskSpec = null;
        return this;
    }

    /// <summary>Runs a Task written inline (<c>taskSpec</c>).</summary>
    /// <param name="spec">The Task's spec, such as <see cref="TaskBuilder.BuildSpec"/> gives.</param>
    public TaskRunBuilder Task(TaskSpec spec)
    {
        _taskSpec = spec;
        _taskRef = null;
        return this;
    }

    /// <summary>Sets how long the run may take; 60 minutes when not set, zero for no limit.</summary>
    /// <param name="timeout">The limit.</param>
    public TaskRunBuilder Timeout(TimeSpan timeout)
    {
        _timeout = Duration.From(timeout);
        return this;
    }

    /// <summary>Sets the service account whose Secrets give the steps credentials.</summary>
    /// <param name="name">The service account's name.</param>
    public TaskRunBuilder ServiceAccount(string name)
    {
        _serviceAccount = name;
        return this;
    }

    private protected override TaskRun Compose() => new()
    {
        Metadata = Metadata,
        Spec = new TaskRunSpec
        {
            TaskRef = _taskRef,
            TaskSpec = _taskSpec,
            Params = ParamValues,
            Workspaces = Workspaces,
            Timeout = _timeout,
            ServiceAccountName = _serviceAccount,
        },
    };
}
