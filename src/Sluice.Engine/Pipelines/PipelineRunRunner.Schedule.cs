using System.Collections.Immutable;
using System.Threading.Channels;
using Sluice.Engine.Runs;
using Sluice.Engine.Substitution;
using Sluice.Engine.Tasks;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;

namespace Sluice.Engine.Pipelines;

/// <summary>The scheduling loop.</summary>
public sealed partial class PipelineRunRunner
{
    private const string WhenSkip = "When Expressions evaluated to false";
    private const string ParentSkip = "Parent Tasks were skipped";
    private const string StoppingSkip = "PipelineRun was stopping";
    private const string MissingResultsSkip = "Results were missing";
    private const string PipelineTimeoutSkip = "PipelineRun timeout has been reached";
    private const string TasksTimeoutSkip = "PipelineRun Tasks timeout has been reached";
    private const string FinallyTimeoutSkip = "PipelineRun Finally timeout has been reached";
    private const string EmptyMatrixSkip = "Matrix Parameters have an empty array";

    private sealed class Control : IDisposable
    {
        public Control(TimeProvider time, TimeSpan? pipeline, TimeSpan? tasks, CancellationToken external)
        {
            Pipeline = pipeline is { } p && p > TimeSpan.Zero ? new CancellationTokenSource(p, time) : new CancellationTokenSource();
            Tasks = tasks is { } t && t > TimeSpan.Zero ? new CancellationTokenSource(t, time) : new CancellationTokenSource();
            Finally = new CancellationTokenSource();
            DagRuns = new CancellationTokenSource();
            FinallyRuns = new CancellationTokenSource();
            Registrations =
            [
                external.Register(() => Wake.Writer.TryWrite(null)),
                Pipeline.Token.Register(() => Wake.Writer.TryWrite(null)),
                Tasks.Token.Register(() => Wake.Writer.TryWrite(null)),
                Finally.Token.Register(() => Wake.Writer.TryWrite(null)),
            ];
        }

        public Channel<PipelineTaskState?> Wake { get; } = Channel.CreateUnbounded<PipelineTaskState?>();

        public CancellationTokenSource Pipeline { get; }

        public CancellationTokenSource Tasks { get; }

        public CancellationTokenSource Finally { get; }

        public CancellationTokenSource DagRuns { get; }

        public CancellationTokenSource FinallyRuns { get; }

        public StopSignal DagStop { get; } = new();

        public StopSignal FinallyStop { get; } = new();

        public bool Cancelled { get; set; }

        public bool PipelineTimedOut { get; set; }

        public bool TasksTimedOut { get; set; }

        public bool FinallyTimedOut { get; set; }

        public bool FinallyStarted { get; set; }

        public Condition? Failure { get; set; }

        private ImmutableArray<CancellationTokenRegistration> Registrations { get; }

        public void Dispose()
        {
            foreach (var registration in Registrations)
            {
                registration.Dispose();
            }

            Pipeline.Dispose();
            Tasks.Dispose();
            Finally.Dispose();
            DagRuns.Dispose();
            FinallyRuns.Dispose();
        }
    }

    private async Task<PipelineRun> ScheduleAsync(PipelineRun run, Plan plan, PipelineRunInvocation invocation, CancellationToken cancellationToken)
    {
        var timeouts = run.Spec.Timeouts;
        var pipelineTimeout = timeouts?.Pipeline?.Value ?? _options.DefaultTimeout;
        var tasksTimeout = TasksTimeout(timeouts);
        using var control = new Control(_time, pipelineTimeout, tasksTimeout, cancellationToken);
        var dag = plan.Ordered.Where(s => !s.IsFinally).ToList();
        var ready = new Queue<PipelineTaskState>();
        foreach (var state in dag)
        {
            state.Waiting = state.Parents.Length;
            if (state.Waiting == 0)
            {
                ready.Enqueue(state);
            }
        }

        var running = new HashSet<PipelineTaskState>();
        var runningDag = 0;
        var tasks = new List<Task>();
        var doneDag = 0;
        var stopping = false;
        var lastSnapshot = _time.GetTimestamp();

        void MarkDone(PipelineTaskState state)
        {
            if (state.IsFinally)
            {
                return;
            }

            doneDag++;
            stopping |= (state.IsFailure || state.ValidationError is not null) && state.Original.OnError != "continue";
            foreach (var child in state.Dependents)
            {
                if (--child.Waiting == 0)
                {
                    ready.Enqueue(child);
                }
            }
        }

        while (true)
        {
            Observe(control, cancellationToken, invocation);
            if (!control.Cancelled && !control.PipelineTimedOut && control.Failure is null)
            {
                while (!stopping && control.Failure is null && ready.TryDequeue(out var state))
                {
                    if (Decide(state, plan, run, control))
                    {
                        running.Add(state);
                        runningDag++;
                        tasks.Add(StartAsync(state, plan, run, invocation, control));
                    }
                    else
                    {
                        MarkDone(state);
                    }
                }

                if (!control.FinallyStarted && runningDag == 0 && (doneDag == dag.Count || stopping || control.TasksTimedOut))
                {
                    control.FinallyStarted = true;
                    if (FinallyTimeout(timeouts) is { } finallyTimeout && finallyTimeout > TimeSpan.Zero)
                    {
                        control.Finally.CancelAfter(finallyTimeout);
                    }

                    Replacements? statusContext = null;
                    foreach (var state in plan.Ordered.Where(s => s.IsFinally))
                    {
                        statusContext ??= ExecutionStatusContext(plan);
                        if (DecideFinally(state, plan, run, control, statusContext))
                        {
                            running.Add(state);
                            tasks.Add(StartAsync(state, plan, run, invocation, control));
                        }
                    }
                }
            }

            if (running.Count == 0 && (ready.Count == 0 || stopping || control.Cancelled || control.PipelineTimedOut || control.Failure is not null))
            {
                break;
            }

            var changed = await control.Wake.Reader.ReadAsync(CancellationToken.None).ConfigureAwait(false);
            if (changed is not null && changed.IsDone && running.Remove(changed))
            {
                runningDag -= changed.IsFinally ? 0 : 1;
                MarkDone(changed);
            }

            if (changed is not null && _time.GetElapsedTime(lastSnapshot) >= SnapshotInterval(plan.Ordered.Length))
            {
                lastSnapshot = _time.GetTimestamp();
                await EmitAsync(run with { Status = Snapshot(run, plan, control) }, CancellationToken.None).ConfigureAwait(false);
            }
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
        Observe(control, cancellationToken, invocation);
        return run with { Status = Final(run, plan, control, pipelineTimeout, tasksTimeout) };
    }

    /// <summary>
    /// How often a running PipelineRun reports its status: at every change up to 200 tasks, then at most
    /// every 250 ms per 200 tasks, since a snapshot (with every child and the whole spec) costs time in
    /// proportion to the tasks, and reporting it in proportion too keeps its share of the run constant.
    /// </summary>
    private static TimeSpan SnapshotInterval(int tasks) =>
        tasks <= 200 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(250.0 * tasks / 200);

    private static void Observe(Control control, CancellationToken external, PipelineRunInvocation invocation)
    {
        if (external.IsCancellationRequested && !control.Cancelled && !control.PipelineTimedOut)
        {
            var timedOut = invocation.Stop?.TimedOut == true;
            control.Cancelled = !timedOut;
            control.PipelineTimedOut = timedOut;
            control.DagStop.Set(timedOut ? CancelledByTimeout : CancelledByPipeline, timedOut);
            control.FinallyStop.Set(timedOut ? CancelledByTimeout : CancelledByPipeline, timedOut);
            control.DagRuns.Cancel();
            control.FinallyRuns.Cancel();
        }

        if (control.Pipeline.IsCancellationRequested && !control.PipelineTimedOut && !control.Cancelled)
        {
            control.PipelineTimedOut = true;
            control.DagStop.Set(CancelledByTimeout, true);
            control.FinallyStop.Set(CancelledByTimeout, true);
            control.DagRuns.Cancel();
            control.FinallyRuns.Cancel();
        }

        if (control.Tasks.IsCancellationRequested && !control.TasksTimedOut)
        {
            control.TasksTimedOut = true;
            control.DagStop.Set(CancelledByTimeout, true);
            control.DagRuns.Cancel();
        }

        if (control.Finally.IsCancellationRequested && !control.FinallyTimedOut)
        {
            control.FinallyTimedOut = true;
            control.FinallyStop.Set(CancelledByTimeout, true);
            control.FinallyRuns.Cancel();
        }
    }

    private static bool IsStopping(Plan plan) =>
        plan.Ordered.Any(s => !s.IsFinally && (s.IsFailure || s.ValidationError is not null) && s.Original.OnError != "continue");

    /// <summary>Decides a DAG task whose parents are done: skip it, fail its validation, or let it start (true).</summary>
    private bool Decide(PipelineTaskState state, Plan plan, PipelineRun run, Control control)
    {
        var (replacements, error, owner) = ResultResolution.Resolve(state.References, plan.States);
        state.Task = error is null ? ResultResolution.Apply(state.Original, replacements) : state.Original;
        var allowed = Allows(state.Task, run, control);
        if (control.Failure is not null)
        {
            return false;
        }

        if (!allowed)
        {
            return Skip(state, plan, WhenSkip);
        }

        if (state.Parents.Any(static p => p.SkipReason is { } reason && reason != WhenSkip))
        {
            return Skip(state, plan, ParentSkip);
        }

        if (error is not null && (state.Original.OnError == "continue" || (owner is not null && plan.States.TryGetValue(owner, out var referenced) && referenced.SkipReason == WhenSkip)))
        {
            return Skip(state, plan, MissingResultsSkip);
        }

        if (control.TasksTimedOut)
        {
            return Skip(state, plan, TasksTimeoutSkip);
        }

        if (IsEmptyMatrix(state.Task))
        {
            return Skip(state, plan, EmptyMatrixSkip);
        }

        var references = ReferenceEquals(state.Task, state.Original) ? state.References : [.. state.Task.ResultReferences()];
        if (ResultResolution.CheckMissing(state.Task, references, plan.States) is { } missing)
        {
            state.ValidationError = missing;
            return false;
        }

        return true;
    }

    private bool DecideFinally(PipelineTaskState state, Plan plan, PipelineRun run, Control control, Replacements statusContext)
    {
        var task = ResultResolution.Apply(state.Original, statusContext);
        var (replacements, error, _) = ResultResolution.Resolve(ReferenceEquals(task, state.Original) ? state.References : [.. task.ResultReferences()], plan.States);
        if (error is not null)
        {
            state.Task = task;
            return Skip(state, plan, MissingResultsSkip);
        }

        state.Task = ResultResolution.Apply(task, replacements);
        var allowed = Allows(state.Task, run, control);
        if (control.Failure is not null)
        {
            return false;
        }

        if (!allowed)
        {
            return Skip(state, plan, WhenSkip);
        }

        if (control.PipelineTimedOut)
        {
            return Skip(state, plan, PipelineTimeoutSkip);
        }

        if (control.FinallyTimedOut)
        {
            return Skip(state, plan, FinallyTimeoutSkip);
        }

        return !IsEmptyMatrix(state.Task) || Skip(state, plan, EmptyMatrixSkip);
    }

    /// <summary>Whether the task's guards hold; a CEL guard that fails to evaluate fails the whole run, as in Tekton.</summary>
    private bool Allows(PipelineTask task, PipelineRun run, Control control)
    {
        try
        {
            return WhenEvaluation.Allows(task.When, Cel.Evaluate(task.When));
        }
        catch (CelEvaluationException e)
        {
            control.Failure ??= Failed("CELEvaluationFailed", $"{TektonMessages.UserError}Error evaluating CEL {run.Metadata.Name}: {e.Message}");
            control.DagStop.Set(CancelledByPipeline, false);
            control.FinallyStop.Set(CancelledByPipeline, false);
            control.DagRuns.Cancel();
            control.FinallyRuns.Cancel();
            return false;
        }
    }

    private bool Skip(PipelineTaskState state, Plan plan, string reason)
    {
        state.SkipReason = reason;
        _ = _observer.OnEventAsync(new TaskSkipped(_time.GetUtcNow(), plan.PipelineName, state.Name, reason), CancellationToken.None);
        return false;
    }

    private static bool IsEmptyMatrix(PipelineTask task) =>
        task.IsMatrixed() && task.Matrix!.Params.Any(p => p.Value.Type == ParamType.Array && p.Value.ArrayValue.IsEmpty);

    private static Replacements ExecutionStatusContext(Plan plan)
    {
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        var dag = plan.Ordered.Where(s => !s.IsFinally).ToList();
        foreach (var state in dag)
        {
            strings[$"tasks.{state.Name}.status"] = state.ExecutionStatus;
            strings[$"tasks.{state.Name}.reason"] = state.ExecutionReason;
        }

        var aggregate = "Succeeded";
        foreach (var state in dag)
        {
            if (state.HaveAnyRunsFailed)
            {
                aggregate = "Failed";
                break;
            }

            if (state.IsSkipped)
            {
                aggregate = "Completed";
            }
        }

        strings["tasks.status"] = aggregate;
        return Replacements.OfStrings(strings);
    }

    private static TimeSpan? TasksTimeout(TimeoutFields? timeouts)
    {
        if (timeouts?.Tasks is { } tasks)
        {
            return tasks.Value;
        }

        if (timeouts is { Pipeline: { } p, Finally: { } f } && p.Value > TimeSpan.Zero && f.Value > TimeSpan.Zero)
        {
            return p.Value - f.Value;
        }

        return null;
    }

    private static TimeSpan? FinallyTimeout(TimeoutFields? timeouts)
    {
        if (timeouts?.Finally is { } fin)
        {
            return fin.Value;
        }

        if (timeouts is { Pipeline: { } p, Tasks: { } t } && p.Value > TimeSpan.Zero && t.Value > TimeSpan.Zero)
        {
            return p.Value - t.Value;
        }

        return null;
    }
}
