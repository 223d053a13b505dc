using Sluice.Engine.Pipelines;
using Sluice.Engine.Tasks;
using Sluice.Model;
using Sluice.Model.Runs;

namespace Sluice.Engine;

/// <summary>
/// The checks a run would fail at its start (references, params, workspaces), made before anything
/// runs so that <c>sluice run</c> and <c>sluice validate</c> refuse bad input up front.
/// </summary>
public static class Preflight
{
    /// <summary>Problems that would stop the run, in Tekton's wording; empty when it can start.</summary>
    public static IReadOnlyList<PreflightProblem> Check(IResource run, ITaskResolver resolver, EngineOptions options)
    {
        var problems = new List<PreflightProblem>();
        switch (run)
        {
            case PipelineRun pipelineRun:
                try
                {
                    PipelineRunRunner.Prepare(pipelineRun with { Metadata = pipelineRun.Metadata with { Name = pipelineRun.Metadata.Name ?? pipelineRun.Metadata.GenerateName } }, resolver, options);
                }
                catch (PipelineRunFailure failure)
                {
                    problems.Add(new PreflightProblem(failure.Reason, failure.Message, failure.NeedsCluster) { Owner = failure.Owner, Field = failure.Field, Fix = failure.Fix });
                }

                break;
            case TaskRun taskRun:
                try
                {
                    Check(taskRun, resolver, options);
                }
                catch (TaskRunFailure failure)
                {
                    problems.Add(new PreflightProblem(failure.Reason, failure.Message, failure.NeedsCluster) { Owner = failure.Owner, Field = failure.Field, Fix = failure.Fix });
                }

                break;
        }

        return problems;
    }

    private static void Check(TaskRun taskRun, ITaskResolver resolver, EngineOptions options)
    {
        var ns = taskRun.Metadata.Namespace ?? options.DefaultNamespace;
        var (spec, name) = taskRun.Spec.TaskSpec is { } inline
            ? (inline, taskRun.Metadata.Name ?? taskRun.Metadata.GenerateName ?? string.Empty)
            : ResolveTask(taskRun, resolver, ns);
        spec = StepActions.Resolve(spec, taskRun.Spec.Params, resolver, ns);
        try
        {
            TaskRunChecks.ValidateParams(name, spec, taskRun.Spec.Params);
            TaskRunChecks.ValidateArrayIndexes(spec, taskRun.Spec.Params);
        }
        catch (TaskRunFailure failure)
        {
            throw new TaskRunFailure(failure.Reason, failure.Message)
            {
                Owner = taskRun.Spec.Params.IsEmpty ? taskRun : taskRun.Spec,
                Field = taskRun.Spec.Params.IsEmpty ? "spec" : "params",
                Fix = "give every param the Task declares without a default under spec.params, or pass -p NAME=VALUE",
            };
        }

        try
        {
            TaskRunChecks.ValidateWorkspaces(spec, taskRun.Spec.Workspaces);
        }
        catch (TaskRunFailure failure)
        {
            // A cluster can bind it with config-defaults' default-task-run-workspace-binding.
            throw new TaskRunFailure(failure.Reason, $"{failure.Message}; a cluster may bind it with the default-task-run-workspace-binding of config-defaults, which a local run does not have", needsCluster: true)
            {
                Owner = taskRun.Spec.Workspaces.IsEmpty ? taskRun : taskRun.Spec,
                Field = taskRun.Spec.Workspaces.IsEmpty ? "spec" : "workspaces",
                Fix = "bind the workspace under spec.workspaces, or pass -w NAME=emptyDir",
            };
        }

        TaskRunChecks.ValidateOverrides(spec, taskRun.Spec);
    }

    private static (Model.Tasks.TaskSpec Spec, string Name) ResolveTask(TaskRun run, ITaskResolver resolver, string ns)
    {
        var reference = run.Spec.TaskRef ?? throw new TaskRunFailure("TaskRunResolutionFailed", "the TaskRun has neither taskRef nor taskSpec") { Owner = run.Spec };
        if (reference.Resolver is { } name)
        {
            throw new TaskRunFailure("TaskRunResolutionFailed", $"remote resolution with the \"{name}\" resolver needs a cluster; give the Task in the files passed to sluice and refer to it by name", needsCluster: true)
            {
                Owner = reference,
                Field = "resolver",
            };
        }

        var task = resolver.FindTask(reference.Name ?? string.Empty, ns)
            ?? throw new TaskRunFailure("TaskRunResolutionFailed", $"tasks.tekton.dev \"{reference.Name}\" not found")
            {
                Owner = reference,
                Field = "name",
                Fix = MissingTask.Fix(reference.Name, resolver, ns),
            };
        return (task.Spec, task.Metadata.Name ?? string.Empty);
    }
}

/// <summary>A problem that would stop a run at its start.</summary>
/// <param name="Reason">Tekton's reason.</param>
/// <param name="Message">Tekton's message.</param>
/// <param name="NeedsCluster">Whether the cause is a feature only a Kubernetes cluster provides.</param>
public sealed record PreflightProblem(string Reason, string Message, bool NeedsCluster)
{
    /// <summary>The object in the input the problem is about.</summary>
    public object? Owner { get; init; }

    /// <summary>Its field.</summary>
    public string? Field { get; init; }

    /// <summary>How to fix it.</summary>
    public string? Fix { get; init; }
}
