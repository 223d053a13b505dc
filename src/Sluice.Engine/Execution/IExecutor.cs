namespace Sluice.Engine.Execution;

/// <summary>
/// Runs the containers of TaskRuns. The engine decides what runs (final argv, env, mounts, order) and
/// applies onError, timeouts, exit-code files and results; a backend only creates sandboxes and
/// processes. Backends: Docker (the default) and Host (steps as host processes).
/// </summary>
public interface IExecutor : IAsyncDisposable
{
    /// <summary>A short name for messages: <c>docker</c>, <c>host</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Rewrites the reference through the mirror map, pulls it when the policy says so and it is
    /// missing, and returns the local image id with the metadata the engine needs (entrypoint, cmd).
    /// </summary>
    ValueTask<ResolvedImage> ResolveImageAsync(string reference, ImagePullPolicy policy, CancellationToken cancellationToken);

    /// <summary>
    /// Creates a TaskRun's sandbox: its volumes (per-TaskRun directories, claims, files), the network
    /// namespace holder when needed, and its sidecars, started and ready.
    /// </summary>
    ValueTask<ITaskRunSandbox> PrepareTaskRunAsync(SandboxSpec spec, CancellationToken cancellationToken);

    /// <summary>
    /// Creates (but does not start) a step's process, so the next step can be created while the
    /// previous one runs. Output is captured from the moment <see cref="IStepProcess.StartAsync"/> is called.
    /// </summary>
    ValueTask<IStepProcess> CreateStepAsync(ITaskRunSandbox sandbox, ContainerSpec step, CancellationToken cancellationToken);

    /// <summary>Stops sidecars and removes every container, process and per-TaskRun directory of the sandbox.</summary>
    ValueTask DestroyTaskRunAsync(ITaskRunSandbox sandbox, CancellationToken cancellationToken);

    /// <summary>Lists the runs that have containers, processes or directories left in this backend, with their owners.</summary>
    ValueTask<IReadOnlyList<OwnedRun>> ListOwnedRunsAsync(CancellationToken cancellationToken);

    /// <summary>Removes whatever the run left: containers, processes, directories, run-scoped claims.</summary>
    ValueTask<ReapReport> ReapAsync(string runUid, CancellationToken cancellationToken);
}

/// <summary>A run that has resources in a backend, and the process that owns it.</summary>
/// <param name="RunUid">The run's uid.</param>
/// <param name="Owner">The owner id recorded when the resources were created.</param>
public sealed record OwnedRun(string RunUid, string Owner);

/// <summary>What a reap removed.</summary>
/// <param name="Containers">Containers removed.</param>
/// <param name="Processes">Process groups killed.</param>
/// <param name="Directories">Directories removed.</param>
public sealed record ReapReport(int Containers, int Processes, int Directories)
{
    /// <summary>Nothing removed.</summary>
    public static ReapReport None { get; } = new(0, 0, 0);

    /// <summary>Whether anything was removed.</summary>
    public bool IsEmpty => Containers + Processes + Directories == 0;

    /// <summary>Adds two reports.</summary>
    public static ReapReport operator +(ReapReport a, ReapReport b) =>
        new(a.Containers + b.Containers, a.Processes + b.Processes, a.Directories + b.Directories);
}

/// <summary>When to pull an image.</summary>
public enum ImagePullPolicy
{
    /// <summary>Pull only when the image is not present locally (Sluice's default, after mirror mapping).</summary>
    IfNotPresent,

    /// <summary>Pull every time.</summary>
    Always,

    /// <summary>Never pull; fail when missing.</summary>
    Never,
}
