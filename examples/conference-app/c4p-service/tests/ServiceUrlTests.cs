using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace C4pService.Tests;

public sealed class ServiceUrlTests
{
    [Theory]
    [InlineData(null, "http://agenda-service/")]
    [InlineData("", "http://agenda-service/")]
    [InlineData("http://127.0.0.1:8081", "http://127.0.0.1:8081/")]
    [InlineData("https://conference.example/agenda", "https://conference.example/agenda/")]
    [InlineData("https://conference.example/agenda/", "https://conference.example/agenda/")]
    public void An_address_is_the_setting_or_the_default_ending_in_a_slash(string? setting, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AGENDA_SERVICE_URL"] = setting }).Build();

        Assert.Equal(expected, ServiceUrl.Read(configuration, "AGENDA_SERVICE_URL", "http://agenda-service").AbsoluteUri);
    }

    [Theory]
    [InlineData("agenda-service:8080")]
    [InlineData("ftp://agenda-service")]
    [InlineData("/agenda")]
    public void An_address_that_is_no_http_url_is_refused_naming_the_setting(string setting)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AGENDA_SERVICE_URL"] = setting }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => ServiceUrl.Read(configuration, "AGENDA_SERVICE_URL", "http://agenda-service"));

        Assert.StartsWith($"AGENDA_SERVICE_URL is '{setting}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_service_does_not_start_with_a_wrong_address()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host => host.UseSetting("NOTIFICATIONS_SERVICE_URL", "notifications-service:8080"));

        var error = Assert.Throws<InvalidOperationException>(() => factory.CreateClient());

        Assert.StartsWith("NOTIFICATIONS_SERVICE_URL is 'notifications-service:8080'", error.Message, StringComparison.Ordinal);
    }
}
