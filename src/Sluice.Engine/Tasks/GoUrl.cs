using System.Text;

namespace Sluice.Engine.Tasks;

/// <summary>
/// The parts of Go's <c>net/url</c> that Tekton's git basic-auth writer relies on: <c>url.Parse</c> (and its
/// errors, which make the entrypoint refuse the credential), the path it finds, and <c>URL.String</c> after
/// the user is replaced by <c>url.UserPassword</c>, which is the line <c>.git-credentials</c> gets.
/// </summary>
internal sealed record GoUrl
{
    private string Scheme { get; init; } = string.Empty;

    private string Opaque { get; init; } = string.Empty;

    private string Host { get; init; } = string.Empty;

    /// <summary>The unescaped path.</summary>
    public string Path { get; private init; } = string.Empty;

    private string RawPath { get; init; } = string.Empty;

    private string RawQuery { get; init; } = string.Empty;

    private bool ForceQuery { get; init; }

    private string Fragment { get; init; } = string.Empty;

    /// <summary>Parses as url.Parse does; returns the error text Go would give, or the URL.</summary>
    public static (GoUrl? Url, string? Error) Parse(string raw)
    {
        var rest = raw;
        var fragment = string.Empty;
        if (rest.IndexOf('#', StringComparison.Ordinal) is var hash and >= 0)
        {
            (rest, fragment) = (rest[..hash], rest[(hash + 1)..]);
            if (Unescape(fragment) is not { } unescaped)
            {
                return (null, Error(raw, "invalid URL escape"));
            }

            fragment = unescaped;
        }

        if (rest.Any(c => c < ' ' || c == 0x7F))
        {
            return (null, Error(raw, "net/url: invalid control character in URL"));
        }

        if (rest.Length == 0)
        {
            return (new GoUrl { Fragment = fragment }, null);
        }

        var scheme = string.Empty;
        for (var i = 0; i < rest.Length; i++)
        {
            var c = rest[i];
            if (char.IsAsciiLetter(c) || (i > 0 && (char.IsAsciiDigit(c) || c is '+' or '-' or '.')))
            {
                continue;
            }

            if (c == ':')
            {
                if (i == 0)
                {
                    return (null, Error(raw, "missing protocol scheme"));
                }

                (scheme, rest) = (rest[..i].ToLowerInvariant(), rest[(i + 1)..]);
            }

            break;
        }

        var url = new GoUrl { Scheme = scheme, Fragment = fragment };
        if (rest.EndsWith('?') && rest.Count(c => c == '?') == 1)
        {
            (url, rest) = (url with { ForceQuery = true }, rest[..^1]);
        }
        else if (rest.IndexOf('?', StringComparison.Ordinal) is var question and >= 0)
        {
            (url, rest) = (url with { RawQuery = rest[(question + 1)..] }, rest[..question]);
        }

        if (!rest.StartsWith('/'))
        {
            if (scheme.Length > 0)
            {
                return (url with { Opaque = rest }, null);
            }

            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            if ((slash < 0 ? rest : rest[..slash]).Contains(':', StringComparison.Ordinal))
            {
                return (null, Error(raw, "first path segment in URL cannot contain colon"));
            }
        }

        if ((scheme.Length > 0 || !rest.StartsWith("///", StringComparison.Ordinal)) && rest.StartsWith("//", StringComparison.Ordinal))
        {
            var end = rest.IndexOf('/', 2);
            var authority = end < 0 ? rest[2..] : rest[2..end];
            rest = end < 0 ? string.Empty : rest[end..];
            var host = authority[(authority.LastIndexOf('@') + 1)..];
            if (Port(host) is { } port && (port.Length > 0 && !port.All(char.IsAsciiDigit)))
            {
                return (null, Error(raw, $"invalid port \":{port}\" after host"));
            }

            url = url with { Host = host };
        }

        if (Unescape(rest) is not { } path)
        {
            return (null, Error(raw, "invalid URL escape"));
        }

        return (url with { Path = path, RawPath = Escape(path, userInfo: false) == rest ? string.Empty : rest }, null);
    }

    /// <summary><c>URL.String()</c> with <c>url.UserPassword(user, password)</c> as the user.</summary>
    public string WithUser(string user, string password)
    {
        var builder = new StringBuilder();
        if (Scheme.Length > 0)
        {
            builder.Append(Scheme).Append(':');
        }

        if (Opaque.Length > 0)
        {
            builder.Append(Opaque);
        }
        else
        {
            // A user makes an authority even where the URL had none, as Go writes it.
            builder.Append("//").Append(Escape(user, userInfo: true)).Append(':').Append(Escape(password, userInfo: true)).Append('@').Append(Host);
            var path = EscapedPath();
            if (path.Length > 0 && path[0] != '/' && Host.Length > 0)
            {
                builder.Append('/');
            }

            builder.Append(path);
        }

        if (ForceQuery || RawQuery.Length > 0)
        {
            builder.Append('?').Append(RawQuery);
        }

        if (Fragment.Length > 0)
        {
            builder.Append('#').Append(Escape(Fragment, userInfo: false));
        }

        return builder.ToString();
    }

    private string EscapedPath()
    {
        if (RawPath.Length > 0 && RawPath.All(c => !ShouldEscape(c, userInfo: false) || c is '!' or '\'' or '(' or ')' or '*' or '[' or ']' or '%') && Unescape(RawPath) == Path)
        {
            return RawPath;
        }

        return Path == "*" ? "*" : Escape(Path, userInfo: false);
    }

    private static string? Port(string host)
    {
        var colon = host.LastIndexOf(':');
        return colon < 0 || (host.StartsWith('[') && host.LastIndexOf(']') > colon) ? null : host[(colon + 1)..];
    }

    private static string Error(string raw, string detail) => $"parse \"{raw}\": {detail}";

    private static string? Unescape(string text)
    {
        if (!text.Contains('%', StringComparison.Ordinal))
        {
            return text;
        }

        var bytes = new List<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '%')
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
                continue;
            }

            if (i + 2 >= text.Length || !Uri.IsHexDigit(text[i + 1]) || !Uri.IsHexDigit(text[i + 2]))
            {
                return null;
            }

            bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
            i += 2;
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }

    private static string Escape(string text, bool userInfo)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            if (b < 0x80 && !ShouldEscape(c, userInfo))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    // Go's shouldEscape for encodePath and encodeUserPassword.
    private static bool ShouldEscape(char c, bool userInfo) => c switch
    {
        _ when char.IsAsciiLetterOrDigit(c) => false,
        '-' or '_' or '.' or '~' => false,
        '$' or '&' or '+' or ',' or '/' or ':' or ';' or '=' or '?' or '@' => userInfo ? c is '@' or '/' or '?' or ':' : c == '?',
        _ => true,
    };
}
