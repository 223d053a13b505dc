using System.Text;

namespace Sluice.Cli.History;

/// <summary>Columns aligned as kubectl's tabwriter aligns them: each as wide as its widest cell, three spaces apart.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    /// <summary>Whether the table has rows.</summary>
    public bool IsEmpty => _rows.Count == 0;

    /// <summary>Adds a row.</summary>
    public TextTable Add(params string?[] cells)
    {
        _rows.Add([.. cells.Select(c => c ?? string.Empty)]);
        return this;
    }

    /// <summary>Writes the table, each line after <paramref name="indent"/>.</summary>
    public void Write(TextWriter output, string indent = "")
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => i < r.Length ? r[i].Length : 0))).ToArray();
        WriteLine(output, indent, headers, widths);
        foreach (var row in _rows)
        {
            WriteLine(output, indent, row, widths);
        }
    }

    private static void WriteLine(TextWriter output, string indent, string[] cells, int[] widths)
    {
        var line = new StringBuilder(indent);
        for (var i = 0; i < widths.Length; i++)
        {
            var cell = i < cells.Length ? cells[i] : string.Empty;
            line.Append(cell);
            if (i < widths.Length - 1)
            {
                line.Append(' ', widths[i] - cell.Length + 3);
            }
        }

        output.Write(line.ToString().TrimEnd());
        output.Write('\n');
    }
}
