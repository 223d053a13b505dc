using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace Sluice.Model.Kubernetes;

/// <summary>A ConfigMap declared next to the runs that use it.</summary>
public sealed record ConfigMap : IResource
{
    /// <inheritdoc />
    public string ApiVersion { get; init; } = "v1";

    /// <inheritdoc />
    public string Kind { get; init; } = "ConfigMap";

    /// <inheritdoc />
    public ObjectMeta Metadata { get; init; } = new();

    /// <summary>Text values by key.</summary>
    public ImmutableSortedDictionary<string, string> Data { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>Base64 binary values by key.</summary>
    public ImmutableSortedDictionary<string, string> BinaryData { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>Whether the ConfigMap is immutable.</summary>
    public bool? Immutable { get; init; }
}

/// <summary>A Secret declared next to the runs that use it.</summary>
public sealed record Secret : IResource
{
    /// <inheritdoc />
    public string ApiVersion { get; init; } = "v1";

    /// <inheritdoc />
    public string Kind { get; init; } = "Secret";

    /// <inheritdoc />
    public ObjectMeta Metadata { get; init; } = new();

    /// <summary>The Secret's type, such as <c>kubernetes.io/basic-auth</c>.</summary>
    public string? Type { get; init; }

    /// <summary>Base64 values by key.</summary>
    public ImmutableSortedDictionary<string, string> Data { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>Plain-text values by key.</summary>
    public ImmutableSortedDictionary<string, string> StringData { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>Whether the Secret is immutable.</summary>
    public bool? Immutable { get; init; }
}

/// <summary>A ServiceAccount declared next to the runs that use it; its Secrets feed credential initialisation.</summary>
public sealed record ServiceAccount : IResource
{
    /// <inheritdoc />
    public string ApiVersion { get; init; } = "v1";

    /// <inheritdoc />
    public string Kind { get; init; } = "ServiceAccount";

    /// <inheritdoc />
    public ObjectMeta Metadata { get; init; } = new();

    /// <summary>Secrets whose credentials steps receive.</summary>
    public ImmutableArray<ObjectReference> Secrets { get; init; } = [];

    /// <summary>Secrets used to pull images.</summary>
    public ImmutableArray<LocalObjectReference> ImagePullSecrets { get; init; } = [];

    /// <summary>Whether to mount the token (kept as given).</summary>
    public bool? AutomountServiceAccountToken { get; init; }
}

/// <summary>A reference to an object.</summary>
public sealed record ObjectReference
{
    /// <summary>The name.</summary>
    public string? Name { get; init; }

    /// <summary>The namespace.</summary>
    public string? Namespace { get; init; }

    /// <summary>The kind.</summary>
    public string? Kind { get; init; }

    /// <summary>The API version.</summary>
    public string? ApiVersion { get; init; }

    /// <summary>The field path.</summary>
    public string? FieldPath { get; init; }

    /// <summary>The uid.</summary>
    public string? Uid { get; init; }

    /// <summary>The resource version.</summary>
    public string? ResourceVersion { get; init; }
}

/// <summary>A PersistentVolumeClaim, declared in a file or as a workspace's volumeClaimTemplate.</summary>
public sealed record PersistentVolumeClaim : IResource
{
    /// <inheritdoc />
    public string ApiVersion { get; init; } = "v1";

    /// <inheritdoc />
    public string Kind { get; init; } = "PersistentVolumeClaim";

    /// <inheritdoc />
    public ObjectMeta Metadata { get; init; } = new();

    /// <summary>The claim's specification (kept as given: locally a claim is a directory).</summary>
    public JsonNode? Spec { get; init; }

    /// <summary>The claim's status (kept as given).</summary>
    public JsonNode? Status { get; init; }
}

/// <summary>Any other Kubernetes object in the input; kept, and refused by <c>sluice run</c> when a run needs it.</summary>
public sealed record OtherResource : IResource
{
    /// <inheritdoc />
    public string ApiVersion { get; init; } = string.Empty;

    /// <inheritdoc />
    public string Kind { get; init; } = string.Empty;

    /// <inheritdoc />
    public ObjectMeta Metadata { get; init; } = new();

    /// <summary>The rest of the object.</summary>
    [Binding.NotSerialized]
    public JsonObject Body { get; init; } = [];
}
