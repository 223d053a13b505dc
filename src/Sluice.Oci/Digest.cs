using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sluice.Oci;

/// <summary>
/// A content digest as the OCI image-spec writes it: <c>algorithm:encoded</c>, such as
/// <c>sha256:44136fa3…</c>. Only <c>sha256</c> and <c>sha512</c> are accepted, encoded as lowercase hex.
/// </summary>
[JsonConverter(typeof(DigestJsonConverter))]
public sealed record Digest
{
    /// <summary>The algorithm every digest Sluice computes uses.</summary>
    public const string Sha256Algorithm = "sha256";

    /// <summary>The other algorithm the image-spec registers.</summary>
    public const string Sha512Algorithm = "sha512";

    private Digest(string algorithm, string encoded)
    {
        Algorithm = algorithm;
        Encoded = encoded;
    }

    /// <summary>The algorithm: <c>sha256</c> or <c>sha512</c>.</summary>
    public string Algorithm { get; }

    /// <summary>The hash in lowercase hex.</summary>
    public string Encoded { get; }

    /// <summary>
    /// Reads <c>algorithm:encoded</c>; returns null with a message naming the problem when the text is
    /// not a digest Sluice can verify.
    /// </summary>
    public static Digest? Parse(string? text, out string? error)
    {
        if (string.IsNullOrEmpty(text))
        {
            error = "a digest is empty: expected sha256:<64 lowercase hex digits>";
            return null;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            error = $"'{text}' is not a digest: expected algorithm:hex, such as sha256:<64 lowercase hex digits>";
            return null;
        }

        var algorithm = text[..colon];
        var encoded = text[(colon + 1)..];
        var length = algorithm switch
        {
            Sha256Algorithm => 64,
            Sha512Algorithm => 128,
            _ => 0,
        };
        if (length == 0)
        {
            error = $"digest '{text}' uses algorithm '{algorithm}': only sha256 and sha512 are supported";
            return null;
        }

        if (encoded.Length != length || !encoded.All(char.IsAsciiHexDigitLower))
        {
            error = $"digest '{text}' is not valid: {algorithm} needs {length} lowercase hex digits";
            return null;
        }

        error = null;
        return new Digest(algorithm, encoded);
    }

    /// <summary>Reads a digest that is known to be well formed (from a registry or a file Sluice wrote).</summary>
    /// <exception cref="FormatException">The text is not a digest.</exception>
    public static Digest Parse(string text) => Parse(text, out var error) ?? throw new FormatException(error);

    /// <summary>The SHA-256 digest of some bytes.</summary>
    public static Digest Sha256(ReadOnlySpan<byte> content) =>
        new(Sha256Algorithm, Convert.ToHexStringLower(SHA256.HashData(content)));

    /// <summary>The digest of some bytes with a given algorithm (<c>sha256</c> or <c>sha512</c>).</summary>
    public static Digest Compute(string algorithm, ReadOnlySpan<byte> content) => algorithm == Sha512Algorithm
        ? new(Sha512Algorithm, Convert.ToHexStringLower(SHA512.HashData(content)))
        : Sha256(content);

    /// <summary>Hashes a stream to its end without holding it in memory.</summary>
    public static async Task<(Digest Digest, long Size)> ComputeAsync(Stream content, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            long size = 0;
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                size += read;
            }

            return (FromHash(hash), size);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A new incremental hash for this digest's algorithm, to verify content against it.</summary>
    public IncrementalHash CreateHash() => IncrementalHash.CreateHash(
        Algorithm == Sha512Algorithm ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256);

    /// <summary>Whether a finished hash of this digest's algorithm matches it.</summary>
    public bool Matches(IncrementalHash hash) =>
        string.Equals(Convert.ToHexStringLower(hash.GetHashAndReset()), Encoded, StringComparison.Ordinal);

    /// <summary>The SHA-256 digest of what an incremental SHA-256 hash has seen; resets the hash.</summary>
    internal static Digest FromHash(IncrementalHash hash) =>
        new(Sha256Algorithm, Convert.ToHexStringLower(hash.GetHashAndReset()));

    /// <summary><c>algorithm:encoded</c>.</summary>
    public override string ToString() => $"{Algorithm}:{Encoded}";
}

/// <summary>Writes a digest as its string form.</summary>
internal sealed class DigestJsonConverter : JsonConverter<Digest>
{
    public override Digest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Digest.Parse(reader.GetString(), out var error) ?? throw new JsonException(error);

    public override void Write(Utf8JsonWriter writer, Digest value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
