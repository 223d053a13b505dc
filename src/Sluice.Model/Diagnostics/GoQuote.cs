using System.Globalization;
using System.Text;

namespace Sluice.Model.Diagnostics;

/// <summary>
/// Go's <c>%q</c> (<c>strconv.Quote</c>), which Tekton uses to show values in its messages: a double-quoted string
/// with <c>\n</c>, <c>\t</c>, <c>\"</c> and the like escaped, so a value that spans lines stays on one.
/// </summary>
public static class GoQuote
{
    /// <summary>The text quoted as Go's <c>%q</c> does; null quotes as the empty string, as Go's zero value.</summary>
    public static string Of(string? text)
    {
        text ??= string.Empty;
        var builder = new StringBuilder(text.Length + 2).Append('"');
        for (var i = 0; i < text.Length; i++)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                // A lone surrogate is not text; Go sees U+FFFD in its place.
                builder.Append("\\ufffd");
                continue;
            }

            i += consumed - 1;
            Append(builder, rune);
        }

        return builder.Append('"').ToString();
    }

    private static void Append(StringBuilder builder, Rune rune)
    {
        switch (rune.Value)
        {
            case '"' or '\\':
                builder.Append('\\').Append((char)rune.Value);
                return;
            case '\a':
                builder.Append("\\a");
                return;
            case '\b':
                builder.Append("\\b");
                return;
            case '\f':
                builder.Append("\\f");
                return;
            case '\n':
                builder.Append("\\n");
                return;
            case '\r':
                builder.Append("\\r");
                return;
            case '\t':
                builder.Append("\\t");
                return;
            case '\v':
                builder.Append("\\v");
                return;
        }

        if (IsPrint(rune))
        {
            builder.Append(rune.ToString());
        }
        else if (rune.Value is < ' ' or 0x7F)
        {
            builder.Append("\\x").Append(rune.Value.ToString("x2", CultureInfo.InvariantCulture));
        }
        else if (rune.IsBmp)
        {
            builder.Append("\\u").Append(rune.Value.ToString("x4", CultureInfo.InvariantCulture));
        }
        else
        {
            builder.Append("\\U").Append(rune.Value.ToString("x8", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Go's <c>unicode.IsPrint</c>: letters, marks, numbers, punctuation, symbols and the ASCII space.</summary>
    private static bool IsPrint(Rune rune) => rune.Value == ' ' || Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator => false,
        _ => true,
    };
}
