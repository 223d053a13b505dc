using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Sluice.Oci;

namespace Sluice.Engine.Caching;

/// <summary>What a cache key is computed from: a substituted step or operation spec and what it ran on.</summary>
public sealed record CacheKeyInput
{
    /// <summary>
    /// The substituted spec as JSON (a step, a task spec or an operation). Results of upstream tasks are
    /// already inside it. Timeouts, retries and display names are taken out before hashing.
    /// </summary>
    public required JsonNode Spec { get; init; }

    /// <summary>The platform it runs on, such as <c>linux/amd64</c>.</summary>
    public required string Platform { get; init; }

    /// <summary>The resolved local image id (<c>sha256:…</c>) the step runs, not the reference the YAML names.</summary>
    public required string ImageId { get; init; }

    /// <summary>Input trees by the workspace path they came from, each as its content digest.</summary>
    public ImmutableSortedDictionary<string, Digest> Inputs { get; init; } = ImmutableSortedDictionary.Create<string, Digest>(StringComparer.Ordinal);
}

/// <summary>
/// Cache keys: SHA-256 of the RFC 8785 canonical JSON of an envelope holding the key-schema version,
/// the platform, the image id, the input digests and the spec with fields that do not change what a
/// step computes (timeouts, retries, display names) removed. Pure: no I/O.
/// </summary>
public static class CacheKeys
{
    /// <summary>The key schema; raising it makes every existing entry a miss, as a change of what keys mean must.</summary>
    public const int SchemaVersion = 1;

    /// <summary>Spec fields left out of a key: they change when or how often work runs, or what it is called, not its result.</summary>
    public static ImmutableHashSet<string> ExcludedFields { get; } = ImmutableHashSet.Create(StringComparer.Ordinal, "timeout", "timeouts", "retries", "displayName");

    /// <summary>
    /// Fields whose contents are user data (param values and defaults, object param properties,
    /// labels, annotations): their members stay in the key whatever their names.
    /// </summary>
    public static ImmutableHashSet<string> UserDataFields { get; } = ImmutableHashSet.Create(StringComparer.Ordinal, "value", "default", "properties", "labels", "annotations");

    /// <summary>The key of an input.</summary>
    public static Digest Compute(CacheKeyInput input) => Digest.Sha256(CanonicalForm(input));

    /// <summary>The exact bytes the key hashes, for explaining why two keys differ.</summary>
    public static byte[] CanonicalForm(CacheKeyInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var inputs = new JsonObject();
        foreach (var (path, digest) in input.Inputs)
        {
            inputs[path] = digest.ToString();
        }

        var envelope = new JsonObject
        {
            ["schema"] = SchemaVersion,
            ["platform"] = input.Platform,
            ["image"] = input.ImageId,
            ["inputs"] = inputs,
            ["spec"] = WithoutExcluded(input.Spec),
        };
        return CanonicalJson.SerializeToUtf8Bytes(envelope);
    }

    private static JsonNode? WithoutExcluded(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj
            .Where(p => !ExcludedFields.Contains(p.Key))
            .Select(p => KeyValuePair.Create(p.Key, UserDataFields.Contains(p.Key) ? p.Value?.DeepClone() : WithoutExcluded(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(WithoutExcluded)]),
        _ => node?.DeepClone(),
    };
}
