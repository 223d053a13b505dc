using System.Collections.Immutable;
using Sluice.Engine.Execution;
using Sluice.Engine.Substitution;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;

namespace Sluice.Engine.Tasks;

/// <summary>Running the steps in order.</summary>
public sealed partial class TaskRunRunner
{
    private async ValueTask<TaskRunStatus> RunStepsAsync(
        ITaskRunSandbox sandbox,
        SandboxPlan plan,
        TaskSpec spec,
        IReadOnlyDictionary<string, ResolvedImage> images,
        TaskRun run,
        TaskRunInvocation invocation,
        TaskRunStatus status,
        StepState[] steps,
        CancellationToken cancellationToken)
    {
        var stepResults = new Dictionary<string, ImmutableArray<RunResult>>(StringComparer.Ordinal);
        var artifacts = new ArtifactCollector();
        string? failure = null;
        Task<IStepProcess>? next = null;
        try
        {
            for (var i = 0; i < plan.Steps.Length; i++)
            {
                var planned = plan.Steps[i];
                var step = planned.Step!;
                var pending = next;
                next = null;
                if (failure is not null)
                {
                    await DisposeQuietlyAsync(pending).ConfigureAwait(false);
                    steps[i] = steps[i] with
                    {
                        Waiting = null,
                        Terminated = new ContainerTerminated { ExitCode = 1, Reason = "Error", StartedAt = Now(), FinishedAt = Now() },
                        TerminationReason = "Skipped",
                    };
                    continue;
                }

                if (TaskRunSubstitution.UsesStepResults(step))
                {
                    await DisposeQuietlyAsync(pending).ConfigureAwait(false);
                    pending = null;
                    var replacements = TaskRunSubstitution.StepResultReplacements(stepResults);
                    step = TaskSpecSubstitution.Apply(step, replacements);
                    planned = planned with
                    {
                        Step = step,
                        Command = planned.IsScript ? planned.Command : replacements.ApplyArray(step.Command),
                        Args = replacements.ApplyArray(step.Args),
                        Image = step.Image ?? planned.Image,
                        Container = planned.Container with { Env = [.. planned.Container.Env.Select(kv => new KeyValuePair<string, string>(kv.Key, replacements.Apply(kv.Value)))] },
                    };
                    if (planned.IsScript && step.Script is { } script)
                    {
                        var file = planned.Command[0]["/tekton/scripts/".Length..];
                        var content = script.Trim().StartsWith("#!", StringComparison.Ordinal) ? script : "#!/bin/sh\nset -e\n" + script;
                        await sandbox.WriteFileAsync(InternalVolumes.Scripts, file, Utf8(content), 0x1ED, cancellationToken).ConfigureAwait(false);
                    }
                }

                if (StepArtifacts.Mentions(planned))
                {
                    planned = await StepArtifacts.ApplyAsync(sandbox, planned, _options.MaxResultBytes, cancellationToken).ConfigureAwait(false);
                }

                if (!step.When.IsEmpty && !WhenEvaluation.Allows(step.When))
                {
                    await DisposeQuietlyAsync(pending).ConfigureAwait(false);
                    await sandbox.WriteFileAsync(InternalVolumes.Steps, $"step-{planned.StatusName}/exitCode", Utf8("0"), 0x1A4, cancellationToken).ConfigureAwait(false);
                    steps[i] = steps[i] with
                    {
                        Waiting = null,
                        Terminated = new ContainerTerminated { ExitCode = 0, Reason = "Completed", StartedAt = Now(), FinishedAt = Now() },
                        TerminationReason = "Skipped",
                    };
                    await EmitAsync(run with { Status = status with { Steps = [.. steps] } }, invocation, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var image = images.TryGetValue(planned.Image, out var known) ? known : await _executor.ResolveImageAsync(planned.Image, planned.PullPolicy, cancellationToken).ConfigureAwait(false);
                var container = Finish(planned, image);
                var process = pending is not null ? await pending.ConfigureAwait(false) : await _executor.CreateStepAsync(sandbox, container, cancellationToken).ConfigureAwait(false);
                await using (process.ConfigureAwait(false))
                {
                    var startedAt = Now();
                    steps[i] = steps[i] with { Waiting = null, Running = new ContainerRunning { StartedAt = startedAt } };
                    await EmitAsync(run with { Status = status with { Steps = [.. steps] } }, invocation, cancellationToken).ConfigureAwait(false);
                    var outputFiles = await StepOutputFiles.OpenAsync(sandbox, container, step, cancellationToken).ConfigureAwait(false);
                    await process.StartAsync(cancellationToken).ConfigureAwait(false);
                    var tail = outputFiles is null ? PumpAsync(process, run, invocation) : PumpAsync(process, run, invocation, outputFiles);
                    if (i + 1 < plan.Steps.Length && !TaskRunSubstitution.UsesStepResults(plan.Steps[i + 1].Step!) && images.TryGetValue(plan.Steps[i + 1].Image, out var nextImage))
                    {
                        var nextContainer = Finish(plan.Steps[i + 1], nextImage);
                        next = _executor.CreateStepAsync(sandbox, nextContainer, cancellationToken).AsTask();
                    }

                    var (exit, timedOut) = await WaitAsync(process, step.Timeout?.Value, cancellationToken).ConfigureAwait(false);
                    await tail.ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                    var onErrorContinue = step.OnError == "continue";
                    var containerReason = exit.OomKilled ? "OOMKilled" : exit.ExitCode == 0 || (onErrorContinue && !timedOut) ? "Completed" : "Error";
                    var terminationReason = timedOut ? "TimeoutExceeded" : exit.ExitCode == 0 ? "Completed" : onErrorContinue ? "Continued" : containerReason;
                    if (exit.ExitCode == 0 || (onErrorContinue && !timedOut))
                    {
                        await sandbox.WriteFileAsync(InternalVolumes.Steps, $"step-{planned.StatusName}/exitCode", Utf8(Code(exit.ExitCode)), 0x1A4, cancellationToken).ConfigureAwait(false);
                    }

                    var results = await ReadStepResultsAsync(sandbox, planned, step, cancellationToken).ConfigureAwait(false);
                    if (!results.IsEmpty)
                    {
                        stepResults[planned.StatusName] = results;
                    }

                    steps[i] = steps[i] with
                    {
                        Running = null,
                        Terminated = new ContainerTerminated
                        {
                            ExitCode = exit.ExitCode,
                            Reason = containerReason,
                            StartedAt = Runs.Timestamps.Format(exit.StartedAt),
                            FinishedAt = Runs.Timestamps.Format(exit.FinishedAt),
                        },
                        TerminationReason = terminationReason,
                        Results = results,
                    };
                    steps[i] = await artifacts.ReadAsync(sandbox, planned.StatusName, steps[i], _options.MaxResultBytes, cancellationToken).ConfigureAwait(false);
                    if (timedOut)
                    {
                        failure = $"\"{planned.ContainerName}\" exited because the step exceeded the specified timeout limit";
                    }
                    else if (exit.ExitCode != 0 && !onErrorContinue)
                    {
                        failure = $"\"{planned.ContainerName}\" exited with code {Code(exit.ExitCode)}: {containerReason}";
                    }

                    await EmitAsync(run with { Status = status with { Steps = [.. steps] } }, invocation, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await DisposeQuietlyAsync(next).ConfigureAwait(false);
        }

        status = artifacts.Apply(status);
        if (failure is not null)
        {
            var reason = steps.Any(s => s.Terminated?.Reason == "OOMKilled") ? "StepOOM" : "StepFailed";
            return status with { Steps = [.. steps], Conditions = [Failed(reason, failure)] };
        }

        return status with { Steps = [.. steps], Conditions = [Succeeded()] };
    }

    private async ValueTask<(ProcessExit Exit, bool TimedOut)> WaitAsync(IStepProcess process, TimeSpan? stepTimeout, CancellationToken cancellationToken)
    {
        using var stepSource = stepTimeout is { } limit && limit > TimeSpan.Zero ? new CancellationTokenSource(limit, _time) : null;
        using var linked = stepSource is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stepSource.Token);
        var token = linked?.Token ?? cancellationToken;
        try
        {
            return (await process.WaitAsync(token).ConfigureAwait(false), false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            await process.KillAsync(CancellationToken.None).ConfigureAwait(false);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var exit = await process.WaitAsync(grace.Token).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            return (exit with { ExitCode = 1 }, true);
        }
    }

    private async ValueTask<ImmutableArray<RunResult>> ReadStepResultsAsync(ITaskRunSandbox sandbox, PlannedContainer planned, Step step, CancellationToken cancellationToken)
    {
        if (step.Results.IsEmpty)
        {
            return [];
        }

        var results = ImmutableArray.CreateBuilder<RunResult>();
        foreach (var declared in step.Results)
        {
            var bytes = await sandbox.ReadFileAsync(InternalVolumes.Steps, $"step-{planned.StatusName}/results/{declared.Name}", _options.MaxResultBytes, cancellationToken).ConfigureAwait(false);
            if (bytes is not null && ResultValues.Parse(System.Text.Encoding.UTF8.GetString(bytes), declared.Type) is { } value)
            {
                results.Add(new RunResult { Name = declared.Name, Type = ResultValues.TypeName(value.Type), Value = value });
            }
        }

        return results.ToImmutable();
    }

    private async ValueTask<TaskRunStatus> CollectResultsAsync(ITaskRunSandbox sandbox, TaskSpec spec, TaskRunStatus status, CancellationToken cancellationToken)
    {
        if (spec.Results.IsEmpty)
        {
            return status.Results.IsEmpty ? status : status with { Results = [] };
        }

        var results = ImmutableArray.CreateBuilder<RunResult>();
        var mismatched = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var stepResults = status.Steps.ToDictionary(s => s.Name, s => s.Results, StringComparer.Ordinal);
        var fromSteps = TaskRunSubstitution.StepResultReplacements(stepResults);
        foreach (var declared in spec.Results)
        {
            ParamValue? value;
            if (declared.Value is { } reference)
            {
                value = fromSteps.Apply(reference);
                if (value.Type == ParamType.String && TaskRunSubstitution.HasStepResultReference(value.StringValue))
                {
                    continue;
                }
            }
            else
            {
                var bytes = await sandbox.ReadFileAsync(InternalVolumes.Results, declared.Name, _options.MaxResultBytes, cancellationToken).ConfigureAwait(false);
                if (bytes is null)
                {
                    continue;
                }

                value = ResultValues.Parse(System.Text.Encoding.UTF8.GetString(bytes), declared.Type);
            }

            if (value is null)
            {
                continue;
            }

            if (value.Type != declared.Type)
            {
                mismatched[declared.Name] = $"task result is expected to be \"{ResultValues.TypeName(declared.Type)}\" type but was initialized to a different type \"{ResultValues.TypeName(value.Type)}\"";
                continue;
            }

            results.Add(new RunResult { Name = declared.Name, Type = ResultValues.TypeName(value.Type), Value = value });
        }

        status = status with { Results = results.ToImmutable() };
        if (mismatched.Count > 0 && status.Conditions[0].Status == "True")
        {
            var detail = string.Join(",", mismatched.Select(kv => $" \"{kv.Key}\": {kv.Value}"));
            return status with { Conditions = [Failed("TaskRunValidationFailed", $"{TektonMessages.UserError}Provided results don't match declared results; may be invalid JSON or missing result declaration: {detail}")] };
        }

        return status;
    }

    private static async Task DisposeQuietlyAsync(Task<IStepProcess>? pending)
    {
        if (pending is null)
        {
            return;
        }

        try
        {
            var process = await pending.ConfigureAwait(false);
            await process.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TaskRunFailure or SandboxConfigurationException or IOException)
        {
        }
    }
}
