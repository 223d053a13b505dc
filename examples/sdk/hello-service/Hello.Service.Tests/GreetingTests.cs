using Xunit;

namespace Hello.Service.Tests;

public sealed class GreetingTests
{
    [Theory]
    [InlineData("Ada", "Hello, Ada!")]
    [InlineData("  Grace ", "Hello, Grace!")]
    [InlineData("", "Hello, world!")]
    [InlineData(null, "Hello, world!")]
    public void A_name_is_greeted_trimmed_and_no_name_is_the_world(string? name, string expected) =>
        Assert.Equal(expected, Greeting.For(name));
}
