namespace Sluice.Model.Tests;

public sealed class DurationTests
{
    [Theory]
    [InlineData("1h", "1h0m0s")]
    [InlineData("90s", "1m30s")]
    [InlineData("1h30m", "1h30m0s")]
    [InlineData("0", "0s")]
    [InlineData("500ms", "500ms")]
    [InlineData("1.5s", "1.5s")]
    [InlineData("2m0s", "2m0s")]
    public void Parses_and_formats_like_Go(string text, string expected)
    {
        Assert.True(Duration.TryParse(text, out var duration));
        Assert.Equal(expected, duration.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("1x")]
    [InlineData("h")]
    [InlineData("1h-1m")]
    public void Refuses_what_Go_refuses(string text) => Assert.False(Duration.TryParse(text, out _));
}
