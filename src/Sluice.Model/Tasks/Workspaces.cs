using Sluice.Model.Kubernetes;

namespace Sluice.Model.Tasks;

/// <summary>A workspace a Task declares.</summary>
public sealed record WorkspaceDeclaration
{
    /// <summary>The workspace's name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>Where it is mounted; <c>/workspace/&lt;name&gt;</c> by default.</summary>
    public string? MountPath { get; init; }

    /// <summary>Whether steps may only read it.</summary>
    public bool? ReadOnly { get; init; }

    /// <summary>Whether a run may leave it unbound.</summary>
    public bool? Optional { get; init; }
}

/// <summary>A step's or sidecar's own mount path for a workspace.</summary>
public sealed record WorkspaceUsage
{
    /// <summary>The workspace's name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Where it is mounted in this container.</summary>
    public string? MountPath { get; init; }
}

/// <summary>What backs a workspace in a run.</summary>
public sealed record WorkspaceBinding
{
    /// <summary>The workspace's name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>A directory inside the volume to use instead of its root.</summary>
    public string? SubPath { get; init; }

    /// <summary>A claim created for the run and kept for its whole PipelineRun.</summary>
    public PersistentVolumeClaim? VolumeClaimTemplate { get; init; }

    /// <summary>An existing claim: a named directory that outlives runs.</summary>
    public PersistentVolumeClaimVolumeSource? PersistentVolumeClaim { get; init; }

    /// <summary>A fresh empty directory.</summary>
    public EmptyDirVolumeSource? EmptyDir { get; init; }

    /// <summary>A ConfigMap's keys as files.</summary>
    public ConfigMapVolumeSource? ConfigMap { get; init; }

    /// <summary>A Secret's keys as files.</summary>
    public SecretVolumeSource? Secret { get; init; }

    /// <summary>Several sources in one directory.</summary>
    public ProjectedVolumeSource? Projected { get; init; }

    /// <summary>A CSI volume (needs a cluster).</summary>
    public System.Text.Json.Nodes.JsonNode? Csi { get; init; }
}
