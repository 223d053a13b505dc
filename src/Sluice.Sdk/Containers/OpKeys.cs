using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sluice.Sdk.Containers;

/// <summary>
/// The identities of ops: SHA-256 over a canonical description of the op (its name, the keys of its
/// inputs in order, its arguments, and for a host directory the digest of its contents). Equal
/// descriptions give equal keys whatever object built them, so a key names a value by what produced
/// it; it is what a cache looks results up by. Keys are computed once per op object and shared by
/// concurrent callers.
/// </summary>
public sealed class OpKeys
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Func<HostDirectoryOp, CancellationToken, Task<string>> _contentDigest;
    private readonly ConcurrentDictionary<Op, Lazy<Task<string>>> _keys = new(ReferenceEqualityComparer.Instance);
    private readonly CancellationToken _lifetime;

    /// <summary>Computes keys, asking <paramref name="contentDigest"/> for the content digest of host directories.</summary>
    /// <param name="contentDigest">The digest of the files a host directory's filter keeps.</param>
    /// <param name="lifetime">Cancels computations that callers share, when their owner goes away.</param>
    public OpKeys(Func<HostDirectoryOp, CancellationToken, Task<string>> contentDigest, CancellationToken lifetime)
    {
        _contentDigest = contentDigest;
        _lifetime = lifetime;
    }

    /// <summary>The key of an op: <c>sha256:</c> and 64 hexadecimal digits.</summary>
    public Task<string> KeyAsync(Op op, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(op);
        var key = _keys.GetOrAdd(op, o => new Lazy<Task<string>>(() => ComputeAsync(o)));
        return key.Value.WaitAsync(cancellationToken);
    }

    /// <summary>The canonical description of an op given its inputs' keys (and a host directory's content digest).</summary>
    /// <param name="op">The op.</param>
    /// <param name="inputKeys">The keys of <see cref="Op.Inputs"/>, in the same order.</param>
    /// <param name="contentDigest">The content digest of a <see cref="HostDirectoryOp"/>; null for other ops.</param>
    public static JsonObject Describe(Op op, IReadOnlyList<string> inputKeys, string? contentDigest)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentNullException.ThrowIfNull(inputKeys);
        if (inputKeys.Count != op.Inputs.Length)
        {
            throw new ArgumentException($"the {op.Name} op has {op.Inputs.Length} inputs, not {inputKeys.Count}", nameof(inputKeys));
        }

        var description = new JsonObject
        {
            ["op"] = op.Name,
            ["inputs"] = new JsonArray([.. inputKeys.Select(k => JsonValue.Create(k))]),
            ["args"] = op.Arguments(),
        };
        if (contentDigest is not null)
        {
            description["content"] = contentDigest;
        }

        return description;
    }

    /// <summary>
    /// The bytes a key hashes: the description as JSON with object members sorted by their UTF-16 code
    /// units, no whitespace, and only the escapes JSON requires.
    /// </summary>
    public static byte[] CanonicalForm(JsonObject description)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, description);
        }

        return buffer.ToArray();
    }

    /// <summary>The key of a description.</summary>
    public static string Digest(JsonObject description) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(CanonicalForm(description)));

    private async Task<string> ComputeAsync(Op op)
    {
        var inputs = await Task.WhenAll(op.Inputs.Select(i => KeyAsync(i, _lifetime))).ConfigureAwait(false);
        var content = op is HostDirectoryOp host ? await _contentDigest(host, _lifetime).ConfigureAwait(false) : null;
        return Digest(Describe(op, inputs, content));
    }

    private static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(name);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case null:
                writer.WriteNullValue();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
