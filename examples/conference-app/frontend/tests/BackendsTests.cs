using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Frontend.Tests;

public sealed class BackendsTests
{
    [Fact]
    public void The_addresses_are_the_settings_or_the_services_names_in_the_cluster()
    {
        var backends = Backends.Read(Configuration(("C4P_SERVICE_URL", "http://127.0.0.1:8082"), ("NOTIFICATIONS_SERVICE_URL", "")));

        Assert.Equal("http://agenda-service/", backends.Find("agenda")?.Address.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:8082/", backends.Find("c4p")?.Address.AbsoluteUri);
        Assert.Equal(("NOTIFICATIONS_SERVICE_URL", "http://notifications-service/"), (backends.Find("notifications")?.Setting, backends.Find("notifications")?.Address.AbsoluteUri));
        Assert.Null(backends.Find("billing"));
    }

    [Theory]
    [InlineData("c4p-service:8080")]
    [InlineData("ftp://c4p-service")]
    public void An_address_that_is_no_http_url_is_refused_naming_the_setting(string setting)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Backends.Read(Configuration(("C4P_SERVICE_URL", setting))));

        Assert.StartsWith($"C4P_SERVICE_URL is '{setting}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_frontend_does_not_start_with_a_wrong_address()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host => host.UseSetting("AGENDA_SERVICE_URL", "ftp://agenda-service"));

        var error = Assert.Throws<InvalidOperationException>(() => factory.CreateClient());

        Assert.StartsWith("AGENDA_SERVICE_URL is 'ftp://agenda-service'", error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(params (string Key, string? Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(setting => KeyValuePair.Create(setting.Key, setting.Value))).Build();
}
