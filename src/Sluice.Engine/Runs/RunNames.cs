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
    public string NewUid() => Guid.NewGuid().ToString();
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
        var name = parent + suffix;
        if (name.Length <= Longest)
        {
            return name;
        }

        var hash = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(name)));
        var head = Longest - hash.Length;
        var prefix = parent.Length > head ? parent[..head] : parent;
        var result = (prefix + suffix)[..Math.Min(prefix.Length + suffix.Length, head)].TrimEnd('-') + hash;
        return result.Length > Longest ? result[..Longest] : result;
    }
}
