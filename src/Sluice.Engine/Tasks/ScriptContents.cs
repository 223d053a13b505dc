using System.Security.Cryptography;
using System.Text;

namespace Sluice.Engine.Tasks;

/// <summary>
/// The file a step's or sidecar's script is written as: its text, with <c>#!/bin/sh</c> and <c>set -e</c>
/// in front when it has no shebang, and the digest that names the file. Scripts repeat (a Task used by many
/// pipeline tasks, a matrix, retries, the same pipeline run again), so the last ones are remembered in a
/// small table rather than encoded and hashed again for every TaskRun.
/// </summary>
internal static class ScriptContents
{
    /// <summary>What a script without a shebang runs under.</summary>
    public const string Preamble = "#!/bin/sh\nset -e\n";

    private static readonly Entry?[] Recent = new Entry?[256];

    /// <summary>The bytes of the script file (shared: never change them) and the first five hex digits of their SHA-256.</summary>
    public static (byte[] Content, string Digest) Of(string script)
    {
        var slot = (script.GetHashCode() & int.MaxValue) % Recent.Length;
        if (Volatile.Read(ref Recent[slot]) is { } known && known.Script == script)
        {
            return (known.Content, known.Digest);
        }

        var content = Encoding.UTF8.GetBytes(script.AsSpan().Trim().StartsWith("#!", StringComparison.Ordinal) ? script : Preamble + script);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(content, hash);
        var digest = Convert.ToHexStringLower(hash[..3])[..5];
        Volatile.Write(ref Recent[slot], new Entry(script, content, digest));
        return (content, digest);
    }

    private sealed record Entry(string Script, byte[] Content, string Digest);
}
