using System.Text;
using Sluice.Model.Diagnostics;

namespace Sluice.Model.Yaml;

public static partial class YamlReader
{
    private static bool TryDecode(ReadOnlySpan<byte> bytes, string file, DiagnosticBag diagnostics, out string text)
    {
        if (WideEncoding(bytes) is { } wide)
        {
            diagnostics.Add(
                new SourceLocation(file, 1, 1),
                string.Empty,
                $"the file is {wide} text; it must be saved as UTF-8",
                "save it as UTF-8; Windows PowerShell's > writes UTF-16, Out-File -Encoding utf8 or Set-Content do not");
            text = string.Empty;
            return false;
        }

        if (bytes.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }

        var nul = bytes.IndexOf((byte)0);
        if (nul < 0 && System.Text.Unicode.Utf8.IsValid(bytes))
        {
            text = Encoding.UTF8.GetString(bytes);
            return true;
        }

        var invalid = FirstInvalidUtf8(nul < 0 ? bytes : bytes[..nul]);
        var binary = invalid < 0;
        var bad = binary ? nul : invalid;
        var (line, column) = PositionAfter(Encoding.UTF8.GetString(bytes[..bad]));
        diagnostics.Add(
            new SourceLocation(file, line, column),
            string.Empty,
            binary ? "the file contains a NUL byte: it is binary, not YAML text" : "the file is not valid UTF-8 text",
            "give a Tekton YAML file saved as UTF-8");
        text = string.Empty;
        return false;
    }

    /// <summary>
    /// The encoding the first bytes show when it is UTF-16 or UTF-32, by a byte order mark or by the NUL bytes
    /// around the first ASCII character (YAML 1.2, section 5.2); null for anything else.
    /// </summary>
    private static string? WideEncoding(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0, 0, 0xFE, 0xFF, ..] => "UTF-32 (big-endian, with a byte order mark)",
        [0xFF, 0xFE, 0, 0, ..] => "UTF-32 (little-endian, with a byte order mark)",
        [0xFE, 0xFF, ..] => "UTF-16 (big-endian, with a byte order mark)",
        [0xFF, 0xFE, ..] => "UTF-16 (little-endian, with a byte order mark)",
        [0, 0, 0, > 0 and < 0x80, ..] => "UTF-32 (big-endian)",
        [> 0 and < 0x80, 0, 0, 0, ..] => "UTF-32 (little-endian)",
        [0, > 0 and < 0x80, ..] => "UTF-16 (big-endian)",
        [> 0 and < 0x80, 0, ..] => "UTF-16 (little-endian)",
        _ => null,
    };

    /// <summary>The index of the first byte that is not part of valid UTF-8, or -1.</summary>
    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        var index = 0;
        while (index < bytes.Length)
        {
            var status = Rune.DecodeFromUtf8(bytes[index..], out _, out var consumed);
            if (status != System.Buffers.OperationStatus.Done)
            {
                return index;
            }

            index += consumed;
        }

        return -1;
    }

    /// <summary>
    /// The 1-based line and column just after <paramref name="text"/>, counted as YamlDotNet counts its marks:
    /// columns in characters, lines ended by \n, \r\n, \r, U+0085, U+2028 or U+2029.
    /// </summary>
    private static (int Line, int Column) PositionAfter(ReadOnlySpan<char> text)
    {
        var line = 1;
        var column = 1;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n':
                    break;
                case '\r' or '\n' or '\u0085' or '\u2028' or '\u2029':
                    line++;
                    column = 1;
                    break;
                default:
                    column++;
                    break;
            }
        }

        return (line, column);
    }
}
