using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Sluice.Testing;

/// <summary>
/// bcrypt hashes for the registry's htpasswd file, from the system's crypt(3) (libxcrypt, part of every
/// Debian system), so no Apache tools are needed.
/// </summary>
public static partial class Bcrypt
{
    private const string Alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static readonly Lock Gate = new();

    /// <summary>An htpasswd line: <c>user:$2b$05$…</c>.</summary>
    public static string HtpasswdLine(string user, string password) => $"{user}:{Hash(password)}";

    /// <summary>The bcrypt hash of a password, as htpasswd writes it.</summary>
    public static string Hash(string password)
    {
        // The last of the 22 salt characters carries only 4 bits; '.' keeps them zero.
        var salt = string.Concat(Enumerable.Range(0, 21).Select(_ => Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)])) + ".";
        lock (Gate)
        {
            var hash = Marshal.PtrToStringUTF8(Crypt(password, "$2b$05$" + salt));
            return hash is { Length: 60 } && hash.StartsWith("$2b$", StringComparison.Ordinal)
                ? hash
                : throw new InvalidOperationException("crypt(3) made no bcrypt hash: libcrypt.so.1 (libxcrypt) is needed");
        }
    }

    [LibraryImport("libcrypt.so.1", EntryPoint = "crypt", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint Crypt(string phrase, string setting);
}
