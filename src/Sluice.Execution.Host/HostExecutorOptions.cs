namespace Sluice.Execution.Host;

/// <summary>How the host backend runs steps.</summary>
public sealed record HostExecutorOptions
{
    /// <summary>The state root (<c>$SLUICE_HOME</c>); sandboxes live under its <c>runs/</c>.</summary>
    public required string StateRoot { get; init; }

    /// <summary>This process as an owner, written into the run directories it creates (host, pid, start time).</summary>
    public required string OwnerId { get; init; }

    /// <summary>
    /// The bubblewrap binary, or null to look for <c>bwrap</c> on <c>PATH</c>. A path that does not
    /// exist counts as bubblewrap missing: steps with mounts then fail with a message saying how to install it.
    /// </summary>
    public string? BubblewrapPath { get; init; }

    /// <summary>The clock for step start and finish times and readiness periods.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
