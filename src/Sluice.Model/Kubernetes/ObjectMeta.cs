using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace Sluice.Model.Kubernetes;

/// <summary>Kubernetes object metadata.</summary>
public sealed record ObjectMeta
{
    /// <summary>The object's name.</summary>
    public string? Name { get; init; }

    /// <summary>A prefix from which a unique name is generated when <see cref="Name"/> is empty.</summary>
    public string? GenerateName { get; init; }

    /// <summary>The namespace; Sluice uses <c>default</c> when it is not given.</summary>
    public string? Namespace { get; init; }

    /// <summary>Labels.</summary>
    public ImmutableSortedDictionary<string, string> Labels { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>Annotations.</summary>
    public ImmutableSortedDictionary<string, string> Annotations { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>The object's unique id.</summary>
    public string? Uid { get; init; }

    /// <summary>The resource version (kept as given).</summary>
    public string? ResourceVersion { get; init; }

    /// <summary>The generation (kept as given).</summary>
    public long? Generation { get; init; }

    /// <summary>When the object was created, in RFC 3339.</summary>
    public string? CreationTimestamp { get; init; }

    /// <summary>When deletion was requested (kept as given).</summary>
    public string? DeletionTimestamp { get; init; }

    /// <summary>Grace period for deletion (kept as given).</summary>
    public long? DeletionGracePeriodSeconds { get; init; }

    /// <summary>Owner references (kept as given).</summary>
    public JsonNode? OwnerReferences { get; init; }

    /// <summary>Finalizers (kept as given).</summary>
    public ImmutableArray<string> Finalizers { get; init; } = [];

    /// <summary>Managed fields (kept as given).</summary>
    public JsonNode? ManagedFields { get; init; }

    /// <summary>Self link (kept as given).</summary>
    public string? SelfLink { get; init; }
}
