using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Sluice.Engine.Substitution;
using Sluice.Engine.Tasks;
using Sluice.Model.Kubernetes;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Substitution;
using Sluice.Model.Tasks;

namespace Sluice.Engine.Pipelines;

/// <summary>Creating and running the TaskRuns of a pipeline task.</summary>
public sealed partial class PipelineRunRunner
{
    private Task StartAsync(PipelineTaskState state, Plan plan, PipelineRun run, PipelineRunInvocation invocation, Control control)
    {
        state.Started = true;
        if (state.IsChildPipeline)
        {
            state.Running = 1;
            return RunChildPipelineAsync(state, plan, run, invocation, control);
        }

        var task = ApplyTaskContexts(state.Task, plan);
        var spec = ArtifactPropagation.Apply(PropagateResults(state, plan), state, plan.Ordered);
        var runName = run.Metadata.Name ?? string.Empty;
        if (!task.IsMatrixed())
        {
            state.Running = 1;
            AddTaskRun(state, MakeTaskRun(Runs.ChildNames.Make(runName, $"-{task.Name}"), task.Params, task, state, spec, plan, run, control));
            return RunTaskRunAsync(state, 0, state.TaskRuns[0], spec, plan, invocation, control);
        }

        var combinations = MatrixFanOut.Combinations(task.Matrix!);
        var runs = new List<Task>();
        state.Running = combinations.Length;
        for (var i = 0; i < combinations.Length; i++)
        {
            var taskRun = MakeTaskRun(Runs.ChildNames.Make(runName, $"-{task.Name}-{i}"), combinations[i].AddRange(task.Params), task, state, spec, plan, run, control);
            AddTaskRun(state, taskRun);
            runs.Add(RunTaskRunAsync(state, i, taskRun, spec, plan, invocation, control));
        }

        return Task.WhenAll(runs);
    }

    private static void AddTaskRun(PipelineTaskState state, TaskRun taskRun)
    {
        state.TaskRuns.Add(taskRun);
        state.ChildReferences.Add(new ChildStatusReference
        {
            ApiVersion = "tekton.dev/v1",
            Kind = "TaskRun",
            Name = taskRun.Metadata.Name ?? string.Empty,
            PipelineTaskName = state.Name,
            DisplayName = state.Task.DisplayName,
            WhenExpressions = state.Task.When,
        });
    }

    private async Task RunTaskRunAsync(PipelineTaskState state, int index, TaskRun taskRun, TaskSpec? spec, Plan plan, PipelineRunInvocation invocation, Control control)
    {
        var token = state.IsFinally ? control.FinallyRuns.Token : control.DagRuns.Token;
        var acquired = false;
        try
        {
            await _slots.WaitAsync(token).ConfigureAwait(false);
            acquired = true;
            var finished = await _taskRuns.RunAsync(
                new TaskRunInvocation
                {
                    TaskRun = taskRun,
                    RunUid = invocation.RunUid,
                    PipelineTask = state.Name,
                    IgnoreFailure = state.Original.OnError == "continue",
                    ResolvedSpec = spec,
                    TaskName = state.TaskName ?? taskRun.Metadata.Name,
                    ClaimName = plan.ClaimName,
                    Stop = state.IsFinally ? control.FinallyStop : control.DagStop,
                },
                token).ConfigureAwait(false);
            lock (state)
            {
                state.TaskRuns[index] = Settled(finished);
            }
        }
        catch (OperationCanceledException) when (!acquired)
        {
            var stop = state.IsFinally ? control.FinallyStop : control.DagStop;
            lock (state)
            {
                state.TaskRuns[index] = taskRun with
                {
                    Status = new TaskRunStatus
                    {
                        Conditions = [Failed("TaskRunCancelled", $"TaskRun \"{taskRun.Metadata.Name}\" was cancelled. {stop.Message}".TrimEnd())],
                        StartTime = Now(),
                        CompletionTime = Now(),
                    },
                };
            }
        }
        finally
        {
            if (acquired)
            {
                _slots.Release();
            }

            lock (state)
            {
                state.Running--;
            }

            control.Wake.Writer.TryWrite(state);
        }
    }

    private TaskRun MakeTaskRun(string name, ImmutableArray<Param> parameters, PipelineTask task, PipelineTaskState state, TaskSpec? spec, Plan plan, PipelineRun run, Control control)
    {
        var runSpec = state.RunSpec;
        var template = run.Spec.TaskRunTemplate;
        var labels = Overlay(Overlay((state.IsFinally ? plan.FinallyLabels : plan.TaskLabels).SetItem("tekton.dev/pipelineTask", task.Name), task.TaskSpec?.Metadata?.Labels), runSpec?.Metadata?.Labels);
        if (state.TaskName is { } taskName)
        {
            labels = labels.SetItem("tekton.dev/task", taskName);
        }

        var annotations = Overlay(Overlay(run.Metadata.Annotations, task.TaskSpec?.Metadata?.Annotations), runSpec?.Metadata?.Annotations);
        var timeout = runSpec?.Timeout ?? task.Timeout ?? TaskRunTimeout(run, state, control);
        return new TaskRun
        {
            Metadata = new ObjectMeta
            {
                Name = name,
                Namespace = run.Metadata.Namespace ?? _options.DefaultNamespace,
                Uid = _names.NewUid(),
                Labels = labels,
                Annotations = annotations,
                CreationTimestamp = Now(),
            },
            Spec = new TaskRunSpec
            {
                Params = parameters,
                Retries = task.Retries,
                ServiceAccountName = runSpec?.ServiceAccountName ?? template?.ServiceAccountName,
                PodTemplate = runSpec?.PodTemplate ?? template?.PodTemplate,
                StepSpecs = runSpec?.StepSpecs ?? [],
                SidecarSpecs = runSpec?.SidecarSpecs ?? [],
                ComputeResources = runSpec?.ComputeResources,
                Timeout = timeout,
                TaskRef = state.TaskName is not null ? task.TaskRef : null,
                TaskSpec = state.TaskName is null ? spec : null,
                Workspaces = Workspaces(task, spec, run),
            },
        };
    }

    private static ImmutableSortedDictionary<string, string> Overlay(ImmutableSortedDictionary<string, string> values, ImmutableSortedDictionary<string, string>? over) =>
        over is null || over.IsEmpty ? values : values.SetItems(over);

    private Model.Duration? TaskRunTimeout(PipelineRun run, PipelineTaskState state, Control control)
    {
        var limit = state.IsFinally ? FinallyTimeout(run.Spec.Timeouts) : TasksTimeout(run.Spec.Timeouts);
        _ = control;
        return limit is { } l && (l == TimeSpan.Zero || l > _options.DefaultTimeout) ? Model.Duration.From(l) : null;
    }

    private static ImmutableArray<WorkspaceBinding> Workspaces(PipelineTask task, TaskSpec? spec, PipelineRun run)
    {
        var used = task.TaskSpec is not null && spec is not null ? WorkspacesUsedBy(spec) : [];
        if (task.Workspaces.IsEmpty && used.Count == 0)
        {
            return [];
        }

        var wanted = task.Workspaces.ToList();
        foreach (var name in used.Where(u => wanted.All(w => w.Name != u)))
        {
            wanted.Add(new WorkspacePipelineTaskBinding { Name = name });
        }

        var result = ImmutableArray.CreateBuilder<WorkspaceBinding>();
        Dictionary<string, string>? context = null;
        foreach (var binding in wanted)
        {
            var pipelineWorkspace = binding.Workspace ?? binding.Name;
            var bound = run.Spec.Workspaces.FirstOrDefault(b => b.Name == pipelineWorkspace);
            if (bound is null)
            {
                var optional = spec?.Workspaces.FirstOrDefault(w => w.Name == binding.Name)?.Optional == true;
                if (!optional)
                {
                    throw new PipelineRunFailure("PipelineValidationFailed", $"expected workspace \"{pipelineWorkspace}\" to be provided by pipelinerun for pipeline task \"{task.Name}\"");
                }

                continue;
            }

            var subPath = Join(bound.SubPath, binding.SubPath);
            if (subPath is not null)
            {
                context ??= PipelineSubstitution.ContextReplacements(run.Spec.PipelineRef?.Name ?? string.Empty, run);
                subPath = Variables.Apply(subPath, context);
            }

            var mapped = bound with { Name = binding.Name, SubPath = subPath };
            if (bound.VolumeClaimTemplate is { } claimTemplate)
            {
                var claim = $"pvc-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{pipelineWorkspace}/{run.Metadata.Uid}")))[..10]}";
                mapped = mapped with { VolumeClaimTemplate = claimTemplate with { Metadata = claimTemplate.Metadata with { Name = claim } } };
            }

            result.Add(mapped);
        }

        return result.ToImmutable();
    }

    private static string? Join(string? first, string? second) =>
        string.IsNullOrEmpty(first) ? (string.IsNullOrEmpty(second) ? null : second) : string.IsNullOrEmpty(second) ? first : $"{first.TrimEnd('/')}/{second.TrimStart('/')}";

    private static List<string> WorkspacesUsedBy(TaskSpec spec)
    {
        if (!VariableScan.Mentions(spec))
        {
            return [];
        }

        var texts = spec.Steps.SelectMany(s => new[] { s.Script, s.WorkingDir, s.Image }.Concat(s.Command).Concat(s.Args).Concat(s.Env.Select(e => e.Value)))
            .Concat(spec.Sidecars.SelectMany(s => new[] { s.Script, s.WorkingDir }.Concat(s.Command).Concat(s.Args).Concat(s.Env.Select(e => e.Value))));
        return texts
            .SelectMany(Variables.Expressions)
            .Where(e => e.StartsWith("workspaces.", StringComparison.Ordinal))
            .Select(e => e.Split('.')[1])
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Tekton's <c>ApplyPipelineTaskContexts</c>: retries and matrix lengths.</summary>
    private static PipelineTask ApplyTaskContexts(PipelineTask task, Plan plan)
    {
        if (!VariableScan.Mentions(task.Params) && !VariableScan.Optional(task.DisplayName) &&
            (task.Matrix is not { } written || (!VariableScan.Mentions(written.Params) && !written.Include.Any(i => VariableScan.Mentions(i.Params)))))
        {
            return task;
        }

        var strings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["context.pipelineTask.retries"] = (task.Retries ?? 0).ToString(CultureInfo.InvariantCulture),
        };
        foreach (var expression in task.AllParams().SelectMany(p => p.Value.Expressions()))
        {
            var parts = expression.Split('.');
            if (parts.Length is 4 or 5 && parts[0] == "tasks" && parts[2] == "matrix" && parts[^1] == "length" && plan.States.TryGetValue(parts[1], out var referenced) && referenced.Original.Matrix is { } matrix)
            {
                strings[expression] = parts.Length == 4
                    ? MatrixFanOut.Count(matrix).ToString(CultureInfo.InvariantCulture)
                    : referenced.TaskRuns.Count(r => r.Status?.Results.Any(x => x.Name == parts[3]) == true).ToString(CultureInfo.InvariantCulture);
            }
        }

        var replacements = Replacements.OfStrings(strings);
        return task with
        {
            Params = replacements.Apply(task.Params),
            Matrix = task.Matrix is { } m ? m with { Params = replacements.Apply(m.Params), Include = [.. m.Include.Select(i => i with { Params = replacements.Apply(i.Params) })] } : null,
            DisplayName = replacements.ApplyOptional(task.DisplayName),
        };
    }

    /// <summary>Tekton's <c>PropagateResults</c>: finished tasks' results reach an inline spec directly.</summary>
    private static TaskSpec? PropagateResults(PipelineTaskState state, Plan plan)
    {
        if (state.Spec is null || state.TaskName is not null || !VariableScan.Mentions(state.Spec) ||
            !state.Original.SpecExpressions().Any(e => e.StartsWith("tasks.", StringComparison.Ordinal)))
        {
            return state.Spec;
        }

        return TaskSpecSubstitution.Apply(state.Spec, ResultResolution.AllResults(plan.Ordered));
    }

    /// <summary>
    /// What the PipelineRun keeps of a finished TaskRun until it ends: its name, conditions, results and
    /// artifacts, which later tasks, when expressions and the run's status read. Its spec, the copy of its
    /// Task in its status and its steps went to the observers with its last update; holding them for every
    /// task of a large pipeline only made each collection promote them.
    /// </summary>
    private static TaskRun Settled(TaskRun finished) => finished.Status is { } status
        ? finished with { Status = status with { TaskSpec = null, Steps = [], Sidecars = [] } }
        : finished;
}
