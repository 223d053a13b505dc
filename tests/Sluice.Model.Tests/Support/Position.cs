namespace Sluice.Model.Tests.Support;

/// <summary>Finds 1-based line and column of text in a YAML sample, so tests say where rather than count.</summary>
internal static class Position
{
    public static (int Line, int Column) Of(string text, string needle, int occurrence = 1)
    {
        var index = -1;
        for (var i = 0; i < occurrence; i++)
        {
            index = text.IndexOf(needle, index + 1, StringComparison.Ordinal);
            Assert.True(index >= 0, $"\"{needle}\" #{occurrence} is not in the sample");
        }

        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < index; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, index - lineStart + 1);
    }
}
