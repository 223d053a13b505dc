namespace Sluice.Execution.Docker;

/// <summary>The labels Sluice puts on the containers it creates; the reaper finds a run's containers by them.</summary>
public static class Labels
{
    /// <summary>The uid of the top-level run.</summary>
    public const string RunUid = "sluice.dev/run-uid";

    /// <summary>The uid of the TaskRun.</summary>
    public const string TaskRunUid = "sluice.dev/taskrun-uid";

    /// <summary>The owner id of the process that created the container.</summary>
    public const string Owner = "sluice.dev/owner";

    /// <summary>What the container is: <see cref="StepRole"/>, <see cref="SidecarRole"/>, <see cref="HolderRole"/> or <see cref="SnapshotRole"/>.</summary>
    public const string Role = "sluice.dev/role";

    /// <summary>The container's name in the sandbox (<c>step-&lt;name&gt;</c>, <c>sidecar-&lt;name&gt;</c>).</summary>
    public const string Container = "sluice.dev/container";

    /// <summary>A step's container.</summary>
    public const string StepRole = "step";

    /// <summary>A sidecar's container.</summary>
    public const string SidecarRole = "sidecar";

    /// <summary>The network namespace holder.</summary>
    public const string HolderRole = "pause";

    /// <summary>A container of the op graph: an exec, copy or read on an image that a commit may turn into a new one.</summary>
    public const string SnapshotRole = "snapshot";
}
