using System.Collections.Immutable;
using Sluice.Model.Pipelines;
using Sluice.Model.Tasks;

namespace Sluice.Engine.CustomTasks;

/// <summary>
/// A custom task implemented in C# inside the engine: what a <c>taskRef: {apiVersion, kind}</c> runs.
/// It runs as a TaskRun with no containers: its params, results and workspaces are those of
/// <see cref="Declaration"/>, checked and defaulted as a Task's are, and its log is one step's log.
/// </summary>
public interface ICustomTask
{
    /// <summary>The <c>apiVersion</c> a taskRef names, such as <c>sluice.dev/v1</c>.</summary>
    string ApiVersion { get; }

    /// <summary>The <c>kind</c> a taskRef names, such as <c>HelmChart</c>.</summary>
    string Kind { get; }

    /// <summary>What it takes and gives, written as a Task's spec with no steps: description, params with defaults, results, workspaces.</summary>
    TaskSpec Declaration { get; }

    /// <summary>
    /// Does the work. Failures a user can cause (a bad chart, a refused push, a matched advisory) are
    /// returned with <see cref="CustomTaskOutcome.Failed"/>; an exception fails the TaskRun with its message.
    /// </summary>
    ValueTask<CustomTaskOutcome> RunAsync(CustomTaskContext context, CancellationToken cancellationToken);
}

/// <summary>What a custom task runs with.</summary>
public sealed record CustomTaskContext
{
    /// <summary>The TaskRun's name.</summary>
    public required string TaskRunName { get; init; }

    /// <summary>The TaskRun's namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>The uid of the started run (the PipelineRun, or the TaskRun alone).</summary>
    public required string RunUid { get; init; }

    /// <summary>Every declared param, with the TaskRun's value or else its default.</summary>
    public required ImmutableDictionary<string, ParamValue> Params { get; init; }

    /// <summary>The directory on this machine of each bound workspace (its subPath applied).</summary>
    public required ImmutableDictionary<string, string> Workspaces { get; init; }

    /// <summary>Where its log goes.</summary>
    public required ICustomTaskLog Log { get; init; }

    /// <summary>The clock.</summary>
    public required TimeProvider Time { get; init; }

    /// <summary>What the task may remember of its work by the digest of its inputs; null when the run caches nothing.</summary>
    public ICustomTaskCache? Cache { get; init; }

    /// <summary>A string param's value; empty when it has none.</summary>
    public string Param(string name) => Params.TryGetValue(name, out var value) ? value.StringValue : string.Empty;

    /// <summary>An array param's items; empty when it has none.</summary>
    public ImmutableArray<string> ArrayParam(string name) => Params.TryGetValue(name, out var value) && value.Type == ParamType.Array ? value.ArrayValue : [];

    /// <summary>A bound workspace's directory, or null when it is not bound.</summary>
    public string? Workspace(string name) => Workspaces.GetValueOrDefault(name);
}

/// <summary>A custom task's log: lines a user reads as a step's output.</summary>
public interface ICustomTaskLog
{
    /// <summary>Writes one line.</summary>
    ValueTask WriteLineAsync(string line, CancellationToken cancellationToken);
}

/// <summary>How a custom task ended.</summary>
public sealed record CustomTaskOutcome
{
    /// <summary>Whether it succeeded.</summary>
    public required bool Succeeded { get; init; }

    /// <summary>Tekton's reason: <c>Succeeded</c>, or a failure's own reason in PascalCase.</summary>
    public required string Reason { get; init; }

    /// <summary>What happened, for the status's message.</summary>
    public required string Message { get; init; }

    /// <summary>The results, by name.</summary>
    public ImmutableDictionary<string, ParamValue> Results { get; init; } = ImmutableDictionary<string, ParamValue>.Empty;

    /// <summary>A success with these results.</summary>
    public static CustomTaskOutcome Success(ImmutableDictionary<string, ParamValue> results, string message = "The custom task completed") =>
        new() { Succeeded = true, Reason = "Succeeded", Message = message, Results = results };

    /// <summary>A failure: its reason (such as <c>ChartInvalid</c>) and a message that says where and why.</summary>
    public static CustomTaskOutcome Failed(string reason, string message) =>
        new() { Succeeded = false, Reason = reason, Message = message };
}
