using System.Text.RegularExpressions;

namespace Sluice.Catalog.Custom;

/// <summary>
/// Hides the <c>user:password@</c> of URLs, wherever they appear in a text (a param, a log line, a tool's
/// error output), so credentials carried in a URL reach no log, status or result.
/// </summary>
internal static partial class CredentialMask
{
    /// <summary>The text with the user information of every URL in it replaced by <c>***</c>.</summary>
    public static string Apply(string text) => UserInfo().Replace(text, "${scheme}***@");

    /// <summary>The text with <paramref name="secrets"/> replaced by <c>***</c> too, longest first.</summary>
    public static string Apply(string text, IEnumerable<string> secrets)
    {
        foreach (var secret in secrets.Where(s => s.Length >= 3).OrderByDescending(s => s.Length))
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        return Apply(text);
    }

    /// <summary>A URL's scheme followed by user information up to its <c>@</c>, which ends before any path, space or quote.</summary>
    [GeneratedRegex(@"(?<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)[^/?#@\s'""]+@")]
    private static partial Regex UserInfo();
}
