using System.Net.Http.Json;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit;

namespace Frontend.Tests;

public sealed class ServiceEndpointsTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/health/readiness", "ready")]
    [InlineData("/health/liveness", "alive")]
    public async Task The_health_endpoints_answer(string path, string status)
    {
        await using var factory = new WebApplicationFactory<Program>();
        using var client = factory.CreateClient();

        var health = await client.GetFromJsonAsync<HealthStatus>(path, Cancel);

        Assert.Equal(status, health?.Status);
    }

    [Fact]
    public async Task The_info_names_the_service_its_built_version_and_the_architecture_it_runs_on()
    {
        await using var factory = new WebApplicationFactory<Program>();
        using var client = factory.CreateClient();

        var info = await client.GetFromJsonAsync<ServiceInfo>("/service/info", Cancel);

        Assert.NotNull(info);
        Assert.Equal("frontend", info.Name);
        Assert.Equal("1.0.0", info.Version);
        Assert.Equal(RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(), info.Platform);
    }

    [Fact]
    public async Task The_info_takes_the_version_and_the_pod_from_the_settings()
    {
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host => host
            .UseSetting("SERVICE_VERSION", "2.3.4")
            .UseSetting("POD_NAME", "frontend-7d9f")
            .UseSetting("POD_NAMESPACE", "conference")
            .UseSetting("POD_NODE_NAME", "node-1"));
        using var client = factory.CreateClient();

        var info = await client.GetFromJsonAsync<ServiceInfo>("/service/info", Cancel);

        Assert.NotNull(info);
        Assert.Equal(("2.3.4", "frontend-7d9f", "conference", "node-1"), (info.Version, info.PodName, info.PodNamespace, info.PodNodeName));
    }
}
