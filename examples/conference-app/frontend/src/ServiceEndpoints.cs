using System.Reflection;
using System.Runtime.InteropServices;

namespace Frontend;

/// <summary>What <c>/service/info</c> says about the running service.</summary>
public sealed record ServiceInfo
{
    /// <summary>The service's name.</summary>
    public required string Name { get; init; }

    /// <summary>The <c>SERVICE_VERSION</c> setting, or else the version the service was built as.</summary>
    public required string Version { get; init; }

    /// <summary>The processor architecture the service runs on: <c>x64</c> or <c>arm64</c>.</summary>
    public required string Platform { get; init; }

    /// <summary>The pod's name, namespace and node when Kubernetes passes them (<c>POD_NAME</c>, <c>POD_NAMESPACE</c>, <c>POD_NODE_NAME</c>).</summary>
    public string? PodName { get; init; }

    /// <inheritdoc cref="PodName"/>
    public string? PodNamespace { get; init; }

    /// <inheritdoc cref="PodName"/>
    public string? PodNodeName { get; init; }

    /// <summary>Describes the service from its settings and its assembly.</summary>
    public static ServiceInfo Describe(string name, IConfiguration configuration) => new()
    {
        Name = name,
        Version = configuration["SERVICE_VERSION"] is { Length: > 0 } version
            ? version
            : typeof(ServiceInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
        Platform = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
        PodName = configuration["POD_NAME"],
        PodNamespace = configuration["POD_NAMESPACE"],
        PodNodeName = configuration["POD_NODE_NAME"],
    };
}

/// <summary>The answer of a health endpoint.</summary>
public sealed record HealthStatus(string Status);

/// <summary>The endpoints every service of the conference application serves.</summary>
public static class ServiceEndpoints
{
    /// <summary>Maps <c>/health/readiness</c>, <c>/health/liveness</c> and <c>/service/info</c>.</summary>
    public static void MapServiceEndpoints(this WebApplication app, string name)
    {
        var info = ServiceInfo.Describe(name, app.Configuration);
        app.MapGet("/health/readiness", () => new HealthStatus("ready"));
        app.MapGet("/health/liveness", () => new HealthStatus("alive"));
        app.MapGet("/service/info", () => info);
    }
}
