using Sluice.Model.Diagnostics;

namespace Sluice.Model.Tests.Messages;

/// <summary>Values in messages are quoted as Go's %q (strconv.Quote) quotes them, so a problem stays on one line.</summary>
public sealed class GoQuoteTests
{
    [Theory]
    [InlineData("make all", "\"make all\"")]
    [InlineData("make $(params.flags[*])\n", "\"make $(params.flags[*])\\n\"")]
    [InlineData("a\tb\r\nc", "\"a\\tb\\r\\nc\"")]
    [InlineData("say \"hi\" \\ bye", "\"say \\\"hi\\\" \\\\ bye\"")]
    [InlineData("\a\b\f\v", "\"\\a\\b\\f\\v\"")]
    [InlineData("\u0001\u007f", "\"\\x01\\x7f\"")]
    [InlineData("caf\u00e9 \u00fcber \u65e5\u672c", "\"caf\u00e9 \u00fcber \u65e5\u672c\"")]
    [InlineData("no\u00a0break", "\"no\\u00a0break\"")]
    [InlineData("zero\u200bwidth", "\"zero\\u200bwidth\"")]
    [InlineData("\ud83d\ude80", "\"\ud83d\ude80\"")]
    [InlineData("\U000e0001", "\"\\U000e0001\"")]
    [InlineData("", "\"\"")]
    public void Values_are_quoted_as_Go_quotes_them(string value, string quoted)
    {
        Assert.Equal(quoted, GoQuote.Of(value));
    }

    [Fact]
    public void A_lone_surrogate_is_shown_as_the_replacement_character()
    {
        Assert.Equal("\"a\\ufffdb\"", GoQuote.Of("a\ud800b"));
    }
}
