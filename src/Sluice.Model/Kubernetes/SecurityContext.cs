using System.Text.Json.Nodes;

namespace Sluice.Model.Kubernetes;

/// <summary>A container's security settings; Sluice applies the user, group and privileged mode.</summary>
public sealed record SecurityContext
{
    /// <summary>The user id the container runs as.</summary>
    public long? RunAsUser { get; init; }

    /// <summary>The group id the container runs as.</summary>
    public long? RunAsGroup { get; init; }

    /// <summary>Refuse to run as root.</summary>
    public bool? RunAsNonRoot { get; init; }

    /// <summary>Run privileged.</summary>
    public bool? Privileged { get; init; }

    /// <summary>Allow privilege escalation (kept as given).</summary>
    public bool? AllowPrivilegeEscalation { get; init; }

    /// <summary>Mount the root filesystem read-only.</summary>
    public bool? ReadOnlyRootFilesystem { get; init; }

    /// <summary>Linux capabilities to add or drop.</summary>
    public Capabilities? Capabilities { get; init; }

    /// <summary>Proc mount type (kept as given).</summary>
    public string? ProcMount { get; init; }

    /// <summary>SELinux options (kept as given).</summary>
    public JsonNode? SeLinuxOptions { get; init; }

    /// <summary>Seccomp profile (kept as given).</summary>
    public JsonNode? SeccompProfile { get; init; }

    /// <summary>AppArmor profile (kept as given).</summary>
    public JsonNode? AppArmorProfile { get; init; }

    /// <summary>Windows options (kept as given).</summary>
    public JsonNode? WindowsOptions { get; init; }
}

/// <summary>Linux capabilities.</summary>
public sealed record Capabilities
{
    /// <summary>Capabilities to add.</summary>
    public System.Collections.Immutable.ImmutableArray<string> Add { get; init; } = [];

    /// <summary>Capabilities to drop.</summary>
    public System.Collections.Immutable.ImmutableArray<string> Drop { get; init; } = [];
}

/// <summary>A pod-level security context (from a pod template); Sluice applies user and group.</summary>
public sealed record PodSecurityContext
{
    /// <summary>The user id containers run as unless they say otherwise.</summary>
    public long? RunAsUser { get; init; }

    /// <summary>The group id containers run as unless they say otherwise.</summary>
    public long? RunAsGroup { get; init; }

    /// <summary>Refuse to run as root.</summary>
    public bool? RunAsNonRoot { get; init; }

    /// <summary>The group that owns volumes.</summary>
    public long? FsGroup { get; init; }

    /// <summary>Supplemental groups.</summary>
    public System.Collections.Immutable.ImmutableArray<long> SupplementalGroups { get; init; } = [];

    /// <summary>Other fields (kept as given).</summary>
    public JsonNode? SeLinuxOptions { get; init; }

    /// <summary>Seccomp profile (kept as given).</summary>
    public JsonNode? SeccompProfile { get; init; }

    /// <summary>AppArmor profile (kept as given).</summary>
    public JsonNode? AppArmorProfile { get; init; }

    /// <summary>sysctls (kept as given).</summary>
    public JsonNode? Sysctls { get; init; }

    /// <summary>Windows options (kept as given).</summary>
    public JsonNode? WindowsOptions { get; init; }

    /// <summary>fsGroup change policy (kept as given).</summary>
    public string? FsGroupChangePolicy { get; init; }

    /// <summary>Supplemental groups policy (kept as given).</summary>
    public string? SupplementalGroupsPolicy { get; init; }

    /// <summary>SELinux change policy (kept as given).</summary>
    public string? SeLinuxChangePolicy { get; init; }
}
