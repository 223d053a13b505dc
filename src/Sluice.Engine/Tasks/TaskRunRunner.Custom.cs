using System.Collections.Immutable;
using System.Text;
using Sluice.Engine.CustomTasks;
using Sluice.Engine.Execution;
using Sluice.Engine.Runs;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;

namespace Sluice.Engine.Tasks;

/// <summary>
/// One attempt of a custom task: no containers, but a sandbox for its workspaces (claims, Secrets and
/// ConfigMaps as the steps of a Task would see them), a log as one step's, results and a timeout.
/// </summary>
public sealed partial class TaskRunRunner
{
    private ICustomTask? CustomTaskOf(TaskRun run) =>
        run.Spec.TaskRef is { ApiVersion: { } apiVersion, Resolver: null } reference
            ? _resolver.FindCustomTask(apiVersion, reference.Kind ?? string.Empty)
            : null;

    private async ValueTask<TaskRunStatus> RunCustomAttemptAsync(ICustomTask custom, TaskRun run, TaskSpec spec, TaskRunInvocation invocation, CancellationToken cancellationToken)
    {
        var status = run.Status!.StartTime is null ? run.Status with { StartTime = Now() } : run.Status;
        var timeout = run.Spec.Timeout?.Value ?? _options.DefaultTimeout;
        using var timeoutSource = timeout > TimeSpan.Zero ? new CancellationTokenSource(timeout, _time) : new CancellationTokenSource();
        using var cancelled = cancellationToken.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), timeoutSource);
        var token = timeoutSource.Token;

        var stepName = custom.Kind.ToLowerInvariant();
        var started = Now();
        var step = new StepState { Name = stepName, Container = $"step-{stepName}", Running = new ContainerRunning { StartedAt = started } };
        status = status with { Steps = [step], Conditions = [Running("Running", $"The custom task {custom.Kind} is running")] };
        await EmitAsync(run with { Status = status }, invocation, cancellationToken).ConfigureAwait(false);

        ITaskRunSandbox? sandbox = null;
        try
        {
            var plan = _planner.Plan(spec, run, invocation.ClaimName ?? OwnClaims(run));
            sandbox = await _executor.PrepareTaskRunAsync(SandboxFor(plan with { Steps = [], Sidecars = [] }, run, invocation, ImmutableDictionary<string, ResolvedImage>.Empty), token).ConfigureAwait(false);
            var context = new CustomTaskContext
            {
                TaskRunName = run.Metadata.Name ?? string.Empty,
                Namespace = run.Metadata.Namespace ?? _options.DefaultNamespace,
                RunUid = invocation.RunUid,
                Params = EffectiveParams(spec, run),
                Workspaces = WorkspaceDirectories(spec, run, sandbox, custom),
                Log = new StepLog(this, run, invocation, step.Container),
                Time = _time,
                Cache = _caching is { Trees: { } trees } caching && _options.Cache != CacheMode.Off
                    ? new CustomTaskCache(caching.Index, trees, invocation.RunUid, run.Metadata.Name ?? string.Empty)
                    : null,
            };

            CustomTaskOutcome outcome;
            try
            {
                outcome = await custom.RunAsync(context, token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
            {
                outcome = CustomTaskOutcome.Failed("Failed", $"{custom.Kind} failed: {e.Message}");
            }

            token.ThrowIfCancellationRequested();
            var terminated = new ContainerTerminated
            {
                ExitCode = outcome.Succeeded ? 0 : 1,
                Reason = outcome.Succeeded ? "Completed" : "Error",
                Message = outcome.Succeeded ? null : outcome.Message,
                StartedAt = started,
                FinishedAt = Now(),
            };
            step = step with { Running = null, Terminated = terminated, TerminationReason = terminated.Reason };
            var results = outcome.Results
                .OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => new RunResult { Name = kv.Key, Type = ResultValues.TypeName(kv.Value.Type), Value = kv.Value })
                .ToImmutableArray();
            return status with
            {
                Steps = [step],
                Results = results,
                Conditions = [outcome.Succeeded ? Succeeded() with { Message = outcome.Message } : Failed(outcome.Reason, outcome.Message)],
                CompletionTime = Now(),
            };
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return Stopped(status with { Steps = [step] }, run, invocation, timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested, timeout);
        }
        catch (TaskRunFailure failure)
        {
            return status with { Conditions = [Failed(failure.Reason, failure.Message)], CompletionTime = Now() };
        }
        catch (SandboxConfigurationException e)
        {
            return status with { Conditions = [Failed("CreateContainerConfigError", e.Message)], CompletionTime = Now() };
        }
        finally
        {
            await DestroyAsync(sandbox).ConfigureAwait(false);
        }
    }

    /// <summary>Every declared param: the TaskRun's value, else the default.</summary>
    private static ImmutableDictionary<string, ParamValue> EffectiveParams(TaskSpec spec, TaskRun run)
    {
        var values = ImmutableDictionary.CreateBuilder<string, ParamValue>(StringComparer.Ordinal);
        foreach (var declared in spec.Params)
        {
            var given = run.Spec.Params.FirstOrDefault(p => p.Name == declared.Name)?.Value ?? declared.Default;
            if (given is not null)
            {
                values[declared.Name] = given;
            }
        }

        return values.ToImmutable();
    }

    private ImmutableDictionary<string, string> WorkspaceDirectories(TaskSpec spec, TaskRun run, ITaskRunSandbox sandbox, ICustomTask custom)
    {
        var directories = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var declared in spec.Workspaces)
        {
            var binding = run.Spec.Workspaces.FirstOrDefault(b => b.Name == declared.Name);
            if (binding is null)
            {
                continue;
            }

            var root = sandbox.LocalDirectory(SandboxPlanner.WorkspaceVolumeName(declared.Name))
                ?? throw new TaskRunFailure("CreateContainerConfigError", $"the {_executor.Name} backend keeps workspace \"{declared.Name}\" where the custom task {custom.Kind} cannot read it");
            directories[declared.Name] = string.IsNullOrEmpty(binding.SubPath) ? root : Within(root, binding.SubPath, declared.Name);
        }

        return directories.ToImmutable();
    }

    private static string Within(string root, string subPath, string workspace)
    {
        var full = Path.GetFullPath(Path.Combine(root, subPath));
        var prefix = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        if (!full.StartsWith(prefix, StringComparison.Ordinal) && full != prefix.TrimEnd(Path.DirectorySeparatorChar))
        {
            throw new TaskRunFailure("CreateContainerConfigError", $"workspace \"{workspace}\": subPath \"{subPath}\" leaves the workspace");
        }

        Directory.CreateDirectory(full);
        return full;
    }

    /// <summary>A custom task's log, told to observers as a step's output so it is stored and shown as one.</summary>
    private sealed class StepLog(TaskRunRunner runner, TaskRun run, TaskRunInvocation invocation, string? container) : ICustomTaskLog
    {
        public ValueTask WriteLineAsync(string line, CancellationToken cancellationToken) =>
            runner._observer.OnEventAsync(
                new StepOutput(runner._time.GetUtcNow(), run.Metadata.Name ?? string.Empty, invocation.PipelineTask, container ?? string.Empty, new OutputChunk(OutputStream.Stdout, Encoding.UTF8.GetBytes(line + "\n"))),
                cancellationToken);
    }
}
