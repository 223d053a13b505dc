using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace Sluice.Model.Kubernetes;

/// <summary>An environment variable of a container.</summary>
public sealed record EnvVar
{
    /// <summary>The variable's name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The literal value.</summary>
    public string? Value { get; init; }

    /// <summary>Where to take the value from.</summary>
    public EnvVarSource? ValueFrom { get; init; }
}

/// <summary>The source of an environment variable's value.</summary>
public sealed record EnvVarSource
{
    /// <summary>A key of a ConfigMap.</summary>
    public KeySelector? ConfigMapKeyRef { get; init; }

    /// <summary>A key of a Secret.</summary>
    public KeySelector? SecretKeyRef { get; init; }

    /// <summary>A field of the pod (Sluice answers <c>metadata.name</c>, <c>metadata.namespace</c> and a few others).</summary>
    public ObjectFieldSelector? FieldRef { get; init; }

    /// <summary>A resource of the container (kept as given).</summary>
    public JsonNode? ResourceFieldRef { get; init; }

    /// <summary>A key of a file (kept as given).</summary>
    public JsonNode? FileKeyRef { get; init; }
}

/// <summary>Selects a key of a ConfigMap or Secret.</summary>
public sealed record KeySelector
{
    /// <summary>The ConfigMap or Secret name.</summary>
    public string? Name { get; init; }

    /// <summary>The key.</summary>
    public string Key { get; init; } = string.Empty;

    /// <summary>Whether the object or key may be missing.</summary>
    public bool? Optional { get; init; }
}

/// <summary>Selects a field of the pod.</summary>
public sealed record ObjectFieldSelector
{
    /// <summary>The API version of the field path.</summary>
    public string? ApiVersion { get; init; }

    /// <summary>The field path, such as <c>metadata.name</c>.</summary>
    public string FieldPath { get; init; } = string.Empty;
}

/// <summary>Imports all keys of a ConfigMap or Secret as environment variables.</summary>
public sealed record EnvFromSource
{
    /// <summary>A prefix for every variable name.</summary>
    public string? Prefix { get; init; }

    /// <summary>The ConfigMap to import.</summary>
    public LocalObjectReference? ConfigMapRef { get; init; }

    /// <summary>The Secret to import.</summary>
    public LocalObjectReference? SecretRef { get; init; }
}

/// <summary>A reference to an object by name, with an optional flag.</summary>
public sealed record LocalObjectReference
{
    /// <summary>The object's name.</summary>
    public string? Name { get; init; }

    /// <summary>Whether the object may be missing.</summary>
    public bool? Optional { get; init; }
}

/// <summary>CPU and memory requests and limits, as Kubernetes quantities.</summary>
public sealed record ResourceRequirements
{
    /// <summary>Limits, such as <c>memory: 256Mi</c>.</summary>
    public ImmutableSortedDictionary<string, string> Limits { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>Requests.</summary>
    public ImmutableSortedDictionary<string, string> Requests { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>Dynamic resource claims (kept as given).</summary>
    public JsonNode? Claims { get; init; }
}

/// <summary>Where a volume is mounted in a container.</summary>
public sealed record VolumeMount
{
    /// <summary>The volume's name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The path in the container.</summary>
    public string MountPath { get; init; } = string.Empty;

    /// <summary>A path inside the volume to mount instead of its root.</summary>
    public string? SubPath { get; init; }

    /// <summary>Like <see cref="SubPath"/> with environment variables expanded (kept as given).</summary>
    public string? SubPathExpr { get; init; }

    /// <summary>Whether the mount is read-only.</summary>
    public bool? ReadOnly { get; init; }

    /// <summary>Mount propagation (kept as given).</summary>
    public string? MountPropagation { get; init; }

    /// <summary>Recursive read-only (kept as given).</summary>
    public string? RecursiveReadOnly { get; init; }
}

/// <summary>A raw block device mapping (kept as given).</summary>
public sealed record VolumeDevice
{
    /// <summary>The volume's name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The device path in the container.</summary>
    public string DevicePath { get; init; } = string.Empty;
}
