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

    // Expected strings are Go's (time.ParseDuration, then Duration.String in src/time/time.go).
    [Theory]
    [InlineData("-1m30s", "-1m30s")]
    [InlineData("+5s", "5s")]
    [InlineData("-0", "0s")]
    [InlineData(".5s", "500ms")]
    [InlineData("5.s", "5s")]
    [InlineData("1.5us", "1.5\u00B5s")]
    [InlineData("1.5\u00B5s", "1.5\u00B5s")]
    [InlineData("1.5\u03BCs", "1.5\u00B5s")]
    [InlineData("100ns", "100ns")]
    [InlineData("1h1ms", "1h0m0.001s")]
    [InlineData("3m0.5s", "3m0.5s")]
    [InlineData("100h", "100h0m0s")]
    [InlineData("1.5h", "1h30m0s")]
    [InlineData("1m60s", "2m0s")]
    [InlineData("2562047h", "2562047h0m0s")]
    public void Accepts_Go_s_syntax_and_formats_as_Go(string text, string expected) =>
        Assert.Equal(expected, Duration.Parse(text).ToString());

    [Theory]
    [InlineData(".s")]
    [InlineData("1.5.5s")]
    [InlineData("00")]
    [InlineData("1 s")]
    [InlineData("s1")]
    [InlineData("1S")]
    [InlineData("1H")]
    [InlineData("--1s")]
    public void Refuses_more_of_what_Go_refuses(string text) => Assert.False(Duration.TryParse(text, out _));

    [Theory]
    [InlineData("1ns", "1ns")]
    [InlineData("150ns", "150ns")]
    [InlineData("1.000000001s", "1.000000001s")]
    public void Keeps_nanoseconds_as_Go_does(string text, string expected) =>
        Assert.Equal(expected, Duration.Parse(text).ToString());

    [Theory]
    [InlineData("2562048h")]
    [InlineData("9223372037s")]
    [InlineData("10000000000000h")]
    public void Refuses_durations_beyond_Go_s_int64_nanoseconds(string text) =>
        Assert.False(Duration.TryParse(text, out _), $"Go's time.ParseDuration returns time: invalid duration \"{text}\"");

    // Go's messages (src/time/format.go ParseDuration and quote, which writes non-ASCII bytes as \x escapes).
    [Theory]
    [InlineData("10", "time: missing unit in duration \"10\"")]
    [InlineData("1.5.5s", "time: missing unit in duration \"1.5.5s\"")]
    [InlineData("1 s", "time: unknown unit \" s\" in duration \"1 s\"")]
    [InlineData("5\u00B5x", "time: unknown unit \"\\xc2\\xb5x\" in duration \"5\\xc2\\xb5x\"")]
    [InlineData(".s", "time: invalid duration \".s\"")]
    [InlineData("9223372036854775808ns", "time: invalid duration \"9223372036854775808ns\"")]
    public void Reports_Go_s_message(string text, string message)
    {
        Assert.False(Duration.TryParse(text, out _, out var error));
        Assert.Equal(message, error);
    }

    [Fact]
    public void Holds_Go_s_whole_range_in_nanoseconds()
    {
        Assert.Equal(long.MaxValue, Duration.Parse("9223372036854775807ns").Nanoseconds);
        Assert.Equal(long.MinValue, Duration.Parse("-9223372036854775808ns").Nanoseconds);
        Assert.Equal("-2562047h47m16.854775808s", Duration.FromNanoseconds(long.MinValue).ToString());
        Assert.Equal(TimeSpan.FromTicks(15), Duration.Parse("1.5us").Value);
    }

    [Fact]
    public void Parse_throws_a_format_exception_naming_the_text()
    {
        var exception = Assert.Throws<FormatException>(() => Duration.Parse("soon"));
        Assert.Contains("\"soon\"", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Durations_compare_by_length()
    {
        Assert.True(Duration.Parse("90s").CompareTo(Duration.Parse("1m")) > 0);
        Assert.Equal(Duration.Parse("1m30s"), Duration.Parse("90s"));
        Assert.Equal(Duration.Zero, Duration.Parse("0s"));
    }
}
