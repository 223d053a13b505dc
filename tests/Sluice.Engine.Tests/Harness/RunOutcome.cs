using System.Text;
using Sluice.Engine.Runs;
using Sluice.Model;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;

namespace Sluice.Engine.Tests.Harness;

/// <summary>A finished run, its child TaskRuns as the engine last reported them, and what its steps printed.</summary>
public sealed class RunOutcome
{
    private readonly IReadOnlyDictionary<string, (string? PipelineTask, TaskRun Run)> _taskRuns;
    private readonly IReadOnlyList<StepOutput> _output;

    internal RunOutcome(IResource run, IReadOnlyDictionary<string, (string? PipelineTask, TaskRun Run)> taskRuns, IReadOnlyList<StepOutput> output, RecordingExecutor executor, IReadOnlyList<InterpretedStep> steps)
    {
        Run = run;
        _taskRuns = taskRuns;
        _output = output;
        Executor = executor;
        Steps = steps;
    }

    /// <summary>The finished run.</summary>
    public IResource Run { get; }

    /// <summary>The run as a PipelineRun.</summary>
    public PipelineRun PipelineRun => (PipelineRun)Run;

    /// <summary>The run as a TaskRun.</summary>
    public TaskRun TaskRun => (TaskRun)Run;

    /// <summary>The run's Succeeded condition.</summary>
    public Condition Condition => Run switch
    {
        PipelineRun p => p.Status!.Conditions.Single(),
        TaskRun t => t.Status!.Conditions.Single(),
        _ => throw new InvalidOperationException(Run.Kind),
    };

    /// <summary>The executor, with timings and sandbox counts.</summary>
    public RecordingExecutor Executor { get; }

    /// <summary>Every step the interpreter ran, in start order.</summary>
    public IReadOnlyList<InterpretedStep> Steps { get; }

    /// <summary>The PipelineRun's skipped tasks, by name.</summary>
    public IReadOnlyDictionary<string, string> SkippedTasks =>
        PipelineRun.Status!.SkippedTasks.ToDictionary(s => s.Name, s => s.Reason, StringComparer.Ordinal);

    /// <summary>The run's results (the PipelineRun's or the TaskRun's), by name.</summary>
    public IReadOnlyDictionary<string, ParamValue> Results =>
        Run switch
        {
            PipelineRun p => p.Status!.Results.ToDictionary(r => r.Name, r => r.Value, StringComparer.Ordinal),
            TaskRun t => t.Status!.Results.ToDictionary(r => r.Name, r => r.Value, StringComparer.Ordinal),
            _ => throw new InvalidOperationException(Run.Kind),
        };

    /// <summary>The single TaskRun of a pipeline task.</summary>
    public TaskRun TaskRunOf(string pipelineTask) => TaskRunsOf(pipelineTask).Single();

    /// <summary>The TaskRuns of a pipeline task, by name (matrix TaskRuns end in their combination index).</summary>
    public IReadOnlyList<TaskRun> TaskRunsOf(string pipelineTask) =>
        [.. _taskRuns.Values.Where(t => t.PipelineTask == pipelineTask).Select(t => t.Run).OrderBy(r => r.Metadata.Name!.Length).ThenBy(r => r.Metadata.Name, StringComparer.Ordinal)];

    /// <summary>The Succeeded condition of a pipeline task's single TaskRun.</summary>
    public Condition ConditionOf(string pipelineTask) => TaskRunOf(pipelineTask).Status!.Conditions.Single();

    /// <summary>Whether any TaskRun ran for the pipeline task.</summary>
    public bool Ran(string pipelineTask) => _taskRuns.Values.Any(t => t.PipelineTask == pipelineTask);

    /// <summary>What the steps of a TaskRun printed, in order.</summary>
    public string LogOf(string taskRunName)
    {
        var builder = new StringBuilder();
        foreach (var chunk in _output.Where(o => o.TaskRunName == taskRunName))
        {
            builder.Append(Encoding.UTF8.GetString(chunk.Chunk.Data.Span));
        }

        return builder.ToString();
    }

    /// <summary>What the steps of a pipeline task's single TaskRun printed.</summary>
    public string LogOfTask(string pipelineTask) => LogOf(TaskRunOf(pipelineTask).Metadata.Name!);

    /// <summary>The script (after substitution) of the first run of a step of a TaskRun.</summary>
    public string ScriptOf(string taskRunName, string container) =>
        Steps.First(s => s.TaskRun == taskRunName && s.Container == container).Script ?? string.Empty;

    /// <summary>The argv of the first run of a step of a TaskRun.</summary>
    public IReadOnlyList<string> ArgvOf(string taskRunName, string container) =>
        Steps.First(s => s.TaskRun == taskRunName && s.Container == container).Spec.Argv;

    /// <summary>When the steps of a TaskRun ran, from the first start to the last end.</summary>
    public (TimeSpan Start, TimeSpan End) SpanOf(string taskRunName)
    {
        var timings = Executor.Steps.Where(s => s.TaskRun == taskRunName).ToList();
        return (timings.Min(s => s.Started), timings.Max(s => s.Ended));
    }
}
