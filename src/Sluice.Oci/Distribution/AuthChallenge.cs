using System.Collections.Immutable;
using System.Text;

namespace Sluice.Oci.Distribution;

/// <summary>
/// One challenge of a <c>WWW-Authenticate</c> header (RFC 9110 §11.6.1): a scheme such as
/// <c>Bearer</c> or <c>Basic</c> and its parameters (<c>realm</c>, <c>service</c>, <c>scope</c>, <c>error</c>).
/// </summary>
public sealed record AuthChallenge
{
    /// <summary>The scheme as sent (compare case-insensitively).</summary>
    public required string Scheme { get; init; }

    /// <summary>The parameters, with case-insensitive names.</summary>
    public required ImmutableDictionary<string, string> Parameters { get; init; }

    /// <summary>Whether this is a <c>Bearer</c> challenge (Docker's token authentication).</summary>
    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether this is a <c>Basic</c> challenge.</summary>
    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    /// <summary>The <c>realm</c>: for Bearer, the token endpoint's URL.</summary>
    public string? Realm => Parameters.GetValueOrDefault("realm");

    /// <summary>The <c>service</c> the token is for.</summary>
    public string? Service => Parameters.GetValueOrDefault("service");

    /// <summary>The <c>scope</c> the registry asks for, such as <c>repository:team/app:pull</c>.</summary>
    public string? Scope => Parameters.GetValueOrDefault("scope");

    /// <summary>Parses every challenge of one header value; challenges that cannot be read are skipped.</summary>
    public static ImmutableArray<AuthChallenge> Parse(string header)
    {
        var challenges = ImmutableArray.CreateBuilder<AuthChallenge>();
        var position = 0;
        while (true)
        {
            SkipSeparators(header, ref position);
            var scheme = ReadToken(header, ref position);
            if (scheme.Length == 0)
            {
                break;
            }

            var parameters = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.OrdinalIgnoreCase);
            while (true)
            {
                var mark = position;
                SkipSeparators(header, ref position);
                var name = ReadToken(header, ref position);
                SkipSpaces(header, ref position);
                if (name.Length == 0 || position >= header.Length || header[position] != '=')
                {
                    position = mark;
                    break;
                }

                position++;
                SkipSpaces(header, ref position);
                parameters[name] = position < header.Length && header[position] == '"'
                    ? ReadQuoted(header, ref position)
                    : ReadToken(header, ref position);
            }

            challenges.Add(new AuthChallenge { Scheme = scheme, Parameters = parameters.ToImmutable() });
            if (position >= header.Length)
            {
                break;
            }
        }

        return challenges.ToImmutable();
    }

    private static void SkipSpaces(string text, ref int position)
    {
        while (position < text.Length && text[position] is ' ' or '\t')
        {
            position++;
        }
    }

    private static void SkipSeparators(string text, ref int position)
    {
        while (position < text.Length && text[position] is ' ' or '\t' or ',')
        {
            position++;
        }
    }

    private static string ReadToken(string text, ref int position)
    {
        var start = position;
        while (position < text.Length && text[position] is not (' ' or '\t' or ',' or '=' or '"'))
        {
            position++;
        }

        return text[start..position];
    }

    private static string ReadQuoted(string text, ref int position)
    {
        var value = new StringBuilder();
        position++;
        while (position < text.Length && text[position] != '"')
        {
            if (text[position] == '\\' && position + 1 < text.Length)
            {
                position++;
            }

            value.Append(text[position]);
            position++;
        }

        position = Math.Min(position + 1, text.Length);
        return value.ToString();
    }
}
