using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace Sluice.Model.Kubernetes;

/// <summary>A pod volume. Sluice emulates emptyDir, hostPath, ConfigMap, Secret, PVC, projected and downwardAPI volumes.</summary>
public sealed record Volume
{
    /// <summary>The volume's name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>A fresh empty directory.</summary>
    public EmptyDirVolumeSource? EmptyDir { get; init; }

    /// <summary>A directory of the host.</summary>
    public HostPathVolumeSource? HostPath { get; init; }

    /// <summary>The keys of a ConfigMap as files.</summary>
    public ConfigMapVolumeSource? ConfigMap { get; init; }

    /// <summary>The keys of a Secret as files.</summary>
    public SecretVolumeSource? Secret { get; init; }

    /// <summary>A persistent volume claim.</summary>
    public PersistentVolumeClaimVolumeSource? PersistentVolumeClaim { get; init; }

    /// <summary>Several sources in one directory.</summary>
    public ProjectedVolumeSource? Projected { get; init; }

    /// <summary>Pod fields as files.</summary>
    public JsonNode? DownwardAPI { get; init; }

    /// <summary>A CSI volume (needs a cluster).</summary>
    public JsonNode? Csi { get; init; }

    /// <summary>A Git repository volume (deprecated in Kubernetes; needs a cluster).</summary>
    public JsonNode? GitRepo { get; init; }

    /// <summary>An ephemeral volume (needs a cluster).</summary>
    public JsonNode? Ephemeral { get; init; }

    /// <summary>An NFS volume (needs a cluster).</summary>
    public JsonNode? Nfs { get; init; }

    /// <summary>An image volume (needs a cluster).</summary>
    public JsonNode? Image { get; init; }
}

/// <summary>An emptyDir volume.</summary>
public sealed record EmptyDirVolumeSource
{
    /// <summary>The storage medium (<c>Memory</c> is honoured as a tmpfs where the backend can).</summary>
    public string? Medium { get; init; }

    /// <summary>The size limit (a quantity).</summary>
    public string? SizeLimit { get; init; }
}

/// <summary>A host directory.</summary>
public sealed record HostPathVolumeSource
{
    /// <summary>The host path.</summary>
    public string Path { get; init; } = string.Empty;

    /// <summary>The type check (kept as given).</summary>
    public string? Type { get; init; }
}

/// <summary>A key projected to a path.</summary>
public sealed record KeyToPath
{
    /// <summary>The key.</summary>
    public string Key { get; init; } = string.Empty;

    /// <summary>The relative path of the file.</summary>
    public string Path { get; init; } = string.Empty;

    /// <summary>The file mode.</summary>
    public int? Mode { get; init; }
}

/// <summary>A ConfigMap as files.</summary>
public sealed record ConfigMapVolumeSource
{
    /// <summary>The ConfigMap's name.</summary>
    public string? Name { get; init; }

    /// <summary>Which keys to project, and where; all keys when empty.</summary>
    public ImmutableArray<KeyToPath> Items { get; init; } = [];

    /// <summary>The file mode.</summary>
    public int? DefaultMode { get; init; }

    /// <summary>Whether the ConfigMap may be missing.</summary>
    public bool? Optional { get; init; }
}

/// <summary>A Secret as files.</summary>
public sealed record SecretVolumeSource
{
    /// <summary>The Secret's name.</summary>
    public string? SecretName { get; init; }

    /// <summary>Which keys to project, and where; all keys when empty.</summary>
    public ImmutableArray<KeyToPath> Items { get; init; } = [];

    /// <summary>The file mode.</summary>
    public int? DefaultMode { get; init; }

    /// <summary>Whether the Secret may be missing.</summary>
    public bool? Optional { get; init; }
}

/// <summary>A reference to a persistent volume claim.</summary>
public sealed record PersistentVolumeClaimVolumeSource
{
    /// <summary>The claim's name.</summary>
    public string ClaimName { get; init; } = string.Empty;

    /// <summary>Whether the mount is read-only.</summary>
    public bool? ReadOnly { get; init; }
}

/// <summary>Several sources projected into one directory.</summary>
public sealed record ProjectedVolumeSource
{
    /// <summary>The sources.</summary>
    public ImmutableArray<VolumeProjection> Sources { get; init; } = [];

    /// <summary>The file mode.</summary>
    public int? DefaultMode { get; init; }
}

/// <summary>One source of a projected volume.</summary>
public sealed record VolumeProjection
{
    /// <summary>A ConfigMap's keys.</summary>
    public ConfigMapProjection? ConfigMap { get; init; }

    /// <summary>A Secret's keys.</summary>
    public SecretProjection? Secret { get; init; }

    /// <summary>Pod fields (kept as given).</summary>
    public JsonNode? DownwardAPI { get; init; }

    /// <summary>A service account token (kept as given).</summary>
    public JsonNode? ServiceAccountToken { get; init; }

    /// <summary>A cluster trust bundle (kept as given).</summary>
    public JsonNode? ClusterTrustBundle { get; init; }

    /// <summary>A pod certificate (kept as given).</summary>
    public JsonNode? PodCertificate { get; init; }
}

/// <summary>A ConfigMap in a projected volume.</summary>
public sealed record ConfigMapProjection
{
    /// <summary>The ConfigMap's name.</summary>
    public string? Name { get; init; }

    /// <summary>Which keys, and where.</summary>
    public ImmutableArray<KeyToPath> Items { get; init; } = [];

    /// <summary>Whether it may be missing.</summary>
    public bool? Optional { get; init; }
}

/// <summary>A Secret in a projected volume.</summary>
public sealed record SecretProjection
{
    /// <summary>The Secret's name.</summary>
    public string? Name { get; init; }

    /// <summary>Which keys, and where.</summary>
    public ImmutableArray<KeyToPath> Items { get; init; } = [];

    /// <summary>Whether it may be missing.</summary>
    public bool? Optional { get; init; }
}
