using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text;
using Sluice.Engine.Execution;
using Sluice.Engine.Runs;
using Sluice.Engine.Substitution;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;

namespace Sluice.Engine.Tasks;

/// <summary>One attempt: plan, sandbox, steps, results.</summary>
public sealed partial class TaskRunRunner
{
    private static readonly TimeSpan CleanupBudget = TimeSpan.FromSeconds(60);
    private static readonly ContainerWaiting PodInitializing = new() { Reason = "PodInitializing" };

    private async ValueTask<TaskRunStatus> RunAttemptAsync(TaskRun run, TaskSpec resolved, string taskName, int retryCount, TaskRunInvocation invocation, IReadOnlyDictionary<string, ResolvedImage>? resolvedImages, CancellationToken cancellationToken)
    {
        var status = run.Status!.StartTime is null ? run.Status with { StartTime = Now() } : run.Status;
        var timeout = run.Spec.Timeout?.Value ?? _options.DefaultTimeout;
        using var timeoutSource = timeout > TimeSpan.Zero ? new CancellationTokenSource(timeout, _time) : new CancellationTokenSource();

        // The attempt's token fires on its own timeout or when the caller cancels; which one it was is told
        // apart by the caller's token, as with a linked source, at the cost of one registration.
        using var cancelled = cancellationToken.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), timeoutSource);
        var token = timeoutSource.Token;

        SandboxPlan plan;
        TaskSpec spec;
        IReadOnlyDictionary<string, ResolvedImage> images;
        try
        {
            spec = TaskRunSubstitution.Apply(resolved, run, taskName, retryCount);
            if (spec.StepTemplate is not null)
            {
                spec = spec with { Steps = StepTemplates.Merge(spec.StepTemplate, spec.Steps) };
            }

            plan = _planner.Plan(spec, run, invocation.ClaimName ?? OwnClaims(run));
            // Cancelled before it began (while it waited for a slot): no sandbox, no step.
            token.ThrowIfCancellationRequested();
            images = resolvedImages ?? await ResolveImagesAsync(plan, token).ConfigureAwait(false);
        }
        catch (TaskRunFailure failure)
        {
            return status with { Conditions = [Failed(failure.Reason, failure.Message)], CompletionTime = Now() };
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return Stopped(status, run, invocation, timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested, timeout);
        }

        var steps = new StepState[plan.Steps.Length];
        for (var i = 0; i < steps.Length; i++)
        {
            var planned = plan.Steps[i];
            steps[i] = new StepState
            {
                Name = planned.StatusName,
                Container = planned.ContainerName,
                ImageID = images[planned.Image].ImageId,
                Waiting = PodInitializing,
            };
        }

        status = status with { Steps = [.. steps], Conditions = [Running("Running", "Not all Steps in the Task have finished executing")] };
        await EmitAsync(run with { Status = status }, invocation, cancellationToken).ConfigureAwait(false);

        ITaskRunSandbox? sandbox = null;
        try
        {
            try
            {
                sandbox = await _executor.PrepareTaskRunAsync(SandboxFor(plan, run, invocation, images), token).ConfigureAwait(false);
                status = status.PodName == sandbox.Id && plan.Sidecars.IsEmpty ? status : status with { PodName = sandbox.Id, Sidecars = SidecarStates(plan, images) };
                await PrepareFilesAsync(sandbox, plan, token).ConfigureAwait(false);
                var tails = PumpSidecars(sandbox, run, invocation);
                var outcome = await RunStepsAsync(sandbox, plan, spec, images, run, invocation, status, steps, token).ConfigureAwait(false);
                status = outcome;
                if (token.IsCancellationRequested)
                {
                    return Stopped(status, run, invocation, timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested, timeout);
                }

                status = await CollectResultsAsync(sandbox, spec, status, token).ConfigureAwait(false);
                _ = tails;
                return status with { CompletionTime = Now() };
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return Stopped(status with { Steps = [.. steps] }, run, invocation, timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested, timeout);
            }
            catch (TaskRunFailure failure)
            {
                return status with { Conditions = [Failed(failure.Reason, failure.Message)], CompletionTime = Now() };
            }
            catch (SandboxConfigurationException e)
            {
                return status with { Conditions = [Failed("CreateContainerConfigError", e.Message)], CompletionTime = Now() };
            }
        }
        finally
        {
            await DestroyAsync(sandbox).ConfigureAwait(false);
        }
    }

    /// <summary>Removes a sandbox within the clean-up budget, whatever ended the attempt.</summary>
    private async ValueTask DestroyAsync(ITaskRunSandbox? sandbox)
    {
        if (sandbox is not null)
        {
            using var cleanup = new CancellationTokenSource(CleanupBudget);
            await _executor.DestroyTaskRunAsync(sandbox, cleanup.Token).ConfigureAwait(false);
        }
    }

    private TaskRunStatus Stopped(TaskRunStatus status, TaskRun run, TaskRunInvocation invocation, bool ownTimeout, TimeSpan timeout)
    {
        var reason = ownTimeout ? "TaskRunTimeout" : "TaskRunCancelled";
        var steps = status.Steps.Select(s => s.Terminated is not null ? s : s with
        {
            Running = null,
            Waiting = null,
            Terminated = new ContainerTerminated
            {
                ExitCode = 1,
                Reason = reason,
                Message = $"Step {s.Name} terminated as pod {status.PodName} is terminated",
                StartedAt = s.Running?.StartedAt ?? run.Metadata.CreationTimestamp ?? status.StartTime,
                FinishedAt = Now(),
            },
            TerminationReason = reason,
        }).ToImmutableArray();
        var name = run.Metadata.Name;
        Condition condition;
        if (ownTimeout || invocation.Stop?.TimedOut == true && invocation.Stop.Message is null)
        {
            condition = Failed("TaskRunTimeout", $"TaskRun {Quote(name ?? string.Empty)} failed to finish within {Quote(Format(timeout))}");
        }
        else
        {
            condition = Failed("TaskRunCancelled", $"TaskRun {Quote(name ?? string.Empty)} was cancelled. {invocation.Stop?.Message}");
        }

        return status with { Steps = steps, Conditions = [condition], CompletionTime = Now() };
    }

    private ImmutableArray<SidecarState> SidecarStates(SandboxPlan plan, IReadOnlyDictionary<string, ResolvedImage> images) =>
        [.. plan.Sidecars.Select(s => new SidecarState { Name = s.StatusName, Container = s.ContainerName, ImageID = images[s.Image].ImageId, Running = new ContainerRunning { StartedAt = Now() } })];

    private List<Task> PumpSidecars(ITaskRunSandbox sandbox, TaskRun run, TaskRunInvocation invocation) =>
        [.. sandbox.Sidecars.Select(s => PumpAsync(s, run, invocation))];

    /// <summary>One claim per TaskRun, for a TaskRun run alone.</summary>
    private static Func<WorkspaceBinding, string> OwnClaims(TaskRun run) => binding => $"pvc-{run.Metadata.Name}-{binding.Name}";

    /// <summary>Resolves each image once, in parallel; a container that says Always makes its image pulled.</summary>
    private async ValueTask<Dictionary<string, ResolvedImage>> ResolveImagesAsync(SandboxPlan plan, CancellationToken cancellationToken)
    {
        // Few images per TaskRun, most often one: a list searched in order keeps them in first-use order.
        var wanted = new List<(PlannedContainer First, ImagePullPolicy Policy)>(1);
        foreach (var containers in (ReadOnlySpan<ImmutableArray<PlannedContainer>>)[plan.Steps, plan.Sidecars])
        {
            foreach (var container in containers)
            {
                var known = wanted.Count - 1;
                while (known >= 0 && wanted[known].First.Image != container.Image)
                {
                    known--;
                }

                if (known < 0)
                {
                    wanted.Add((container, container.PullPolicy));
                }
                else if (container.PullPolicy == ImagePullPolicy.Always)
                {
                    wanted[known] = wanted[known] with { Policy = ImagePullPolicy.Always };
                }
            }
        }

        var resolved = new Dictionary<string, ResolvedImage>(wanted.Count, StringComparer.Ordinal);
        if (wanted.Count == 1)
        {
            resolved[wanted[0].First.Image] = await ResolveImageAsync(wanted[0].First, wanted[0].Policy, cancellationToken).ConfigureAwait(false);
            return resolved;
        }

        var images = await Task.WhenAll(wanted.Select(group => ResolveImageAsync(group.First, group.Policy, cancellationToken).AsTask())).ConfigureAwait(false);
        for (var i = 0; i < images.Length; i++)
        {
            resolved[wanted[i].First.Image] = images[i];
        }

        return resolved;
    }

    private async ValueTask<ResolvedImage> ResolveImageAsync(PlannedContainer container, ImagePullPolicy policy, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(container.Image))
        {
            throw new TaskRunFailure("CreateContainerConfigError", $"\"{container.ContainerName}\" has no image");
        }

        try
        {
            return await _executor.ResolveImageAsync(container.Image, policy, cancellationToken).ConfigureAwait(false);
        }
        catch (ImageUnavailableException e)
        {
            throw new TaskRunFailure("TaskRunImagePullFailed", $"the step \"{container.StatusName}\" failed to pull the image \"{container.Image}\": {e.Message}");
        }
    }

    private SandboxSpec SandboxFor(SandboxPlan plan, TaskRun run, TaskRunInvocation invocation, IReadOnlyDictionary<string, ResolvedImage> images) => new()
    {
        RunUid = invocation.RunUid,
        TaskRunUid = run.Metadata.Uid ?? string.Empty,
        TaskRunName = run.Metadata.Name ?? "taskrun",
        Namespace = run.Metadata.Namespace ?? _options.DefaultNamespace,
        Network = run.Spec.PodTemplate?.HostNetwork == true ? NetworkMode.Host : _options.Network,
        Volumes = WithScripts(plan),
        StepCount = plan.Steps.Length,
        ExtraHosts = run.Spec.PodTemplate is { HostAliases.IsEmpty: false } pod ? _options.ExtraHosts.AddRange(pod.HostAliases.SelectMany(a => a.Hostnames.Select(h => $"{h}:{a.Ip}"))) : _options.ExtraHosts,
        Sidecars = plan.Sidecars.IsEmpty ? [] : [.. plan.Sidecars.Select(s => new SidecarSpec(Finish(s, images[s.Image]), Readiness(s.Sidecar!)))],
    };

    private static ReadinessCheck? Readiness(Sidecar sidecar)
    {
        var probe = sidecar.StartupProbe ?? sidecar.ReadinessProbe;
        if (probe is null)
        {
            return null;
        }

        return new ReadinessCheck
        {
            Exec = probe.Exec?.Command ?? [],
            TcpPort = ParsePort(probe.TcpSocket?.Port ?? probe.HttpGet?.Port, sidecar),
            HttpPath = probe.HttpGet is { } http ? http.Path ?? "/" : null,
            InitialDelay = TimeSpan.FromSeconds(probe.InitialDelaySeconds ?? 0),
            Period = TimeSpan.FromSeconds(probe.PeriodSeconds is > 0 ? probe.PeriodSeconds.Value : 1),
            Timeout = TimeSpan.FromSeconds(probe.TimeoutSeconds is > 0 ? probe.TimeoutSeconds.Value : 1),
        };
    }

    private static int? ParsePort(Model.Kubernetes.IntOrString? port, Sidecar sidecar)
    {
        if (port is not { } value)
        {
            return null;
        }

        if (value.IsInteger)
        {
            return int.Parse(value.Text, System.Globalization.CultureInfo.InvariantCulture);
        }

        return sidecar.Ports.FirstOrDefault(p => p.Name == value.Text)?.Number
            ?? throw new TaskRunFailure("CreateContainerConfigError", $"sidecar \"{sidecar.Name}\": probe port \"{value.Text}\" is not a named port of the sidecar");
    }

    private static ContainerSpec Finish(PlannedContainer planned, ResolvedImage image)
    {
        if (planned.RunAsNonRoot && (string.IsNullOrEmpty(image.User) || image.User is "root" or "0" || image.User.StartsWith("0:", StringComparison.Ordinal)))
        {
            throw new TaskRunFailure("CreateContainerConfigError", $"\"{planned.ContainerName}\": container has runAsNonRoot and image will run as root");
        }

        var argv = planned.Argv(image);
        var first = planned.IsScript ? 1 : 0;
        var expands = false;
        for (var i = first; i < argv.Length && !expands; i++)
        {
            expands = argv[i].Contains('$', StringComparison.Ordinal);
        }

        if (expands)
        {
            var env = planned.Container.Env.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            argv = [.. argv.Select((a, i) => i < first ? a : KubernetesExpansion.Expand(a, env))];
        }

        return planned.Container with { Image = image, Argv = argv };
    }

    /// <summary>
    /// The scripts volume holds its files from the start, as Tekton's place-scripts init container does,
    /// so that sidecars, which start while the sandbox is prepared, find their scripts.
    /// </summary>
    private static ImmutableArray<SandboxVolume> WithScripts(SandboxPlan plan)
    {
        var scripts = ImmutableArray.CreateBuilder<SandboxFile>(plan.Files.Length);
        foreach (var file in plan.Files)
        {
            if (file.Volume == InternalVolumes.Scripts)
            {
                scripts.Add(new SandboxFile(file.Path, file.Content, file.Mode));
            }
        }

        if (scripts.Count == 0)
        {
            return plan.Volumes;
        }

        var source = new FilesSource(scripts.DrainToImmutable());
        var volumes = new SandboxVolume[plan.Volumes.Length];
        for (var i = 0; i < volumes.Length; i++)
        {
            var volume = plan.Volumes[i];
            volumes[i] = volume.Name == InternalVolumes.Scripts ? volume with { Source = source } : volume;
        }

        return ImmutableCollectionsMarshal.AsImmutableArray(volumes);
    }

    private static async ValueTask PrepareFilesAsync(ITaskRunSandbox sandbox, SandboxPlan plan, CancellationToken cancellationToken)
    {
        foreach (var file in plan.Files)
        {
            if (file.Volume != InternalVolumes.Scripts)
            {
                await sandbox.WriteFileAsync(file.Volume, file.Path, file.Content, file.Mode, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var step in plan.Steps)
        {
            var dir = step.ContainerName;
            await sandbox.CreateDirectoryAsync(InternalVolumes.Steps, $"{dir}/results", 0x1FF, cancellationToken).ConfigureAwait(false);
            await sandbox.CreateDirectoryAsync(InternalVolumes.Steps, $"{dir}/artifacts", 0x1FF, cancellationToken).ConfigureAwait(false);
            await sandbox.CreateSymlinkAsync(InternalVolumes.Steps, step.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), dir, cancellationToken).ConfigureAwait(false);
            await sandbox.CreateDirectoryAsync(InternalVolumes.Run, step.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), 0x1FF, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PumpAsync(IStepProcess process, TaskRun run, TaskRunInvocation invocation)
    {
        await foreach (var chunk in process.TailAsync(CancellationToken.None).ConfigureAwait(false))
        {
            await _observer.OnEventAsync(new StepOutput(_time.GetUtcNow(), run.Metadata.Name ?? string.Empty, invocation.PipelineTask, process.Name, chunk), CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static ParamType DeclaredType(TaskSpec spec, string result) =>
        spec.Results.FirstOrDefault(r => r.Name == result)?.Type ?? ParamType.String;
}
