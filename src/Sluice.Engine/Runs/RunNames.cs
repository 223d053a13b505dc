using System.Security.Cryptography;
using System.Text;

namespace Sluice.Engine.Runs;

/// <summary>Names and ids for runs, as Kubernetes and Tekton make them.</summary>
public interface IRunNames
{
    /// <summary>A name from a <c>generateName</c> prefix: five random characters appended.</summary>
    string Generate(string prefix);

    /// <summary>A new uid.</summary>
    string NewUid();
}

/// <summary>Random names and uids.</summary>
public sealed class RandomRunNames : IRunNames
{
    // Kubernetes' name generator leaves out vowels and look-alike characters.
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>The shared instance.</summary>
    public static RandomRunNames Instance { get; } = new();

    /// <inheritdoc />
    public string Generate(string prefix)
    {
        Span<char> suffix = stackalloc char[5];
        for (var i = 0; i < suffix.Length; i++)
        {
            suffix[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        var trimmed = prefix.Length > 58 ? prefix[..58] : prefix;
        return trimmed + new string(suffix);
    }

    /// <inheritdoc />
    public string NewUid()
    {
        // A uid must be unique, not unpredictable: a version-4 UUID from the shared pseudo-random generator
        // costs a fraction of Guid.NewGuid's call into the system's secure generator, once per TaskRun.
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString();
    }
}

/// <summary>Child names as Tekton makes them (knative's <c>kmeta.ChildName</c>).</summary>
public static class ChildNames
{
    /// <summary>
    /// <c>parent + suffix</c>, or when that exceeds 63 characters, a prefix of it with an MD5 of the
    /// whole so names stay unique and valid.
    /// </summary>
    public static string Make(string parent, string suffix)
    {
        const int Longest = 63;
        const int Head = Longest - 32;
        if (parent.Length <= Longest - suffix.Length)
        {
            return parent + suffix;
        }

        if (Head - suffix.Length <= 0)
        {
            var whole = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(parent + suffix)));
            var result = (parent.Length > Head ? parent[..Head] : parent) + whole;
            if (Longest - result.Length is > 0 and var pad)
            {
                result += suffix[..pad];
            }

            var end = result.Length;
            while (end > 0 && !char.IsAsciiLetterOrDigit(result[end - 1]))
            {
                end--;
            }

            return result[..end];
        }

        return parent[..(Head - suffix.Length)] + Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(parent))) + suffix;
    }
}
