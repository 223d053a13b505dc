using System.Collections.Immutable;

namespace Sluice.Engine.Execution;

/// <summary>Everything a backend needs to create a TaskRun's sandbox.</summary>
public sealed record SandboxSpec
{
    /// <summary>The uid of the top-level run (the PipelineRun, or the TaskRun when run alone); resources are labelled with it.</summary>
    public string RunUid { get; init; } = string.Empty;

    /// <summary>The TaskRun's uid.</summary>
    public string TaskRunUid { get; init; } = string.Empty;

    /// <summary>The TaskRun's name, used in container names.</summary>
    public string TaskRunName { get; init; } = string.Empty;

    /// <summary>The namespace.</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>How the sandbox reaches the network.</summary>
    public NetworkMode Network { get; init; } = NetworkMode.Bridge;

    /// <summary>The volumes steps and sidecars can mount.</summary>
    public ImmutableArray<SandboxVolume> Volumes { get; init; } = [];

    /// <summary>Sidecars to start before the first step, with their readiness probes.</summary>
    public ImmutableArray<SidecarSpec> Sidecars { get; init; } = [];

    /// <summary>How many steps will run; a backend may use it to decide whether a shared network namespace pays off.</summary>
    public int StepCount { get; init; }

    /// <summary>Extra /etc/hosts entries as <c>host:ip</c>.</summary>
    public ImmutableArray<string> ExtraHosts { get; init; } = [];
}

/// <summary>How a sandbox reaches the network.</summary>
public enum NetworkMode
{
    /// <summary>Its own namespace on the default bridge.</summary>
    Bridge,

    /// <summary>The host's network (traffic stays on loopback for local services).</summary>
    Host,

    /// <summary>Only a loopback interface.</summary>
    None,
}

/// <summary>A volume of a sandbox.</summary>
/// <param name="Name">The volume's name; mounts refer to it.</param>
/// <param name="Source">What backs it.</param>
public sealed record SandboxVolume(string Name, VolumeSource Source);

/// <summary>What backs a sandbox volume.</summary>
public abstract record VolumeSource;

/// <summary>A fresh empty directory, removed with the sandbox; world-writable as an emptyDir is.</summary>
/// <param name="Memory">Back it with memory (tmpfs) where the backend can.</param>
public sealed record EmptyDirSource(bool Memory = false) : VolumeSource;

/// <summary>
/// A claim: a directory that outlives the sandbox. <paramref name="RunScoped"/> claims (from a
/// volumeClaimTemplate) live until the run is reaped; others are named directories that outlive runs.
/// </summary>
/// <param name="ClaimName">The claim's name.</param>
/// <param name="RunScoped">Whether it belongs to the run rather than the namespace.</param>
/// <param name="ReadOnly">Whether it is mounted read-only.</param>
public sealed record ClaimSource(string ClaimName, bool RunScoped, bool ReadOnly = false) : VolumeSource;

/// <summary>Files written once when the sandbox is created (ConfigMap, Secret, projected volumes, credentials).</summary>
/// <param name="Files">The files.</param>
public sealed record FilesSource(ImmutableArray<SandboxFile> Files) : VolumeSource;

/// <summary>A host directory.</summary>
/// <param name="Path">The host path.</param>
public sealed record HostPathSource(string Path) : VolumeSource;

/// <summary>A file of a <see cref="FilesSource"/>.</summary>
/// <param name="Path">The relative path.</param>
/// <param name="Content">The bytes.</param>
/// <param name="Mode">The Unix mode, such as 0644.</param>
public sealed record SandboxFile(string Path, ReadOnlyMemory<byte> Content, int Mode = 420);

/// <summary>A sidecar to start, and how to tell it is ready.</summary>
/// <param name="Container">The container.</param>
/// <param name="Readiness">The readiness check, or null to consider it ready once started.</param>
public sealed record SidecarSpec(ContainerSpec Container, ReadinessCheck? Readiness);

/// <summary>How to tell that a sidecar is ready.</summary>
public sealed record ReadinessCheck
{
    /// <summary>A command run inside the sidecar; exit 0 means ready.</summary>
    public ImmutableArray<string> Exec { get; init; } = [];

    /// <summary>A TCP port to connect to on the sandbox's localhost.</summary>
    public int? TcpPort { get; init; }

    /// <summary>An HTTP path to GET on <see cref="TcpPort"/>; 2xx and 3xx mean ready.</summary>
    public string? HttpPath { get; init; }

    /// <summary>Wait this long before the first check.</summary>
    public TimeSpan InitialDelay { get; init; }

    /// <summary>Time between checks.</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one check may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);
}
