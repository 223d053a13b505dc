using System.Globalization;
using Sluice.Engine.Execution;

namespace Sluice.Execution.Host;

/// <summary>A container's <c>user</c> as numeric ids, resolved the way Docker does against the host's passwd and group files.</summary>
internal static class LocalUsers
{
    /// <summary>
    /// Resolves <c>uid</c>, <c>uid:gid</c> or names. Without a group the user's primary group from
    /// <c>/etc/passwd</c> is used, or 0 when the uid has no entry (Docker's rule).
    /// </summary>
    public static (uint Uid, uint Gid) Resolve(string user, string container)
    {
        var colon = user.IndexOf(':', StringComparison.Ordinal);
        var userPart = colon < 0 ? user : user[..colon];
        var groupPart = colon < 0 ? null : user[(colon + 1)..];
        var passwd = Lookup("/etc/passwd", userPart);
        uint uid;
        if (uint.TryParse(userPart, NumberStyles.None, CultureInfo.InvariantCulture, out var numericUid))
        {
            uid = numericUid;
        }
        else if (passwd is not null)
        {
            uid = uint.Parse(passwd[2], CultureInfo.InvariantCulture);
        }
        else
        {
            throw new SandboxConfigurationException($"{container}: user \"{userPart}\" is not in /etc/passwd; give a numeric uid");
        }

        if (groupPart is null)
        {
            return (uid, passwd is not null ? uint.Parse(passwd[3], CultureInfo.InvariantCulture) : 0);
        }

        if (uint.TryParse(groupPart, NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
        {
            return (uid, gid);
        }

        return Lookup("/etc/group", groupPart) is { } group
            ? (uid, uint.Parse(group[2], CultureInfo.InvariantCulture))
            : throw new SandboxConfigurationException($"{container}: group \"{groupPart}\" is not in /etc/group; give a numeric gid");
    }

    // Finds the line whose name (or, for numeric keys, id) matches.
    private static string[]? Lookup(string file, string key)
    {
        if (!File.Exists(file))
        {
            return null;
        }

        foreach (var line in File.ReadLines(file))
        {
            var fields = line.Split(':');
            if (fields.Length >= 4 && (fields[0] == key || fields[2] == key))
            {
                return fields;
            }
        }

        return null;
    }
}
