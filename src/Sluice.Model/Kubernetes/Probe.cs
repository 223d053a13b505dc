using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace Sluice.Model.Kubernetes;

/// <summary>A readiness, liveness or startup probe of a sidecar.</summary>
public sealed record Probe
{
    /// <summary>Run a command in the container; exit code 0 means ready.</summary>
    public ExecAction? Exec { get; init; }

    /// <summary>An HTTP GET on the container's network namespace.</summary>
    public HttpGetAction? HttpGet { get; init; }

    /// <summary>A TCP connect on the container's network namespace.</summary>
    public TcpSocketAction? TcpSocket { get; init; }

    /// <summary>A gRPC health check (kept as given).</summary>
    public JsonNode? Grpc { get; init; }

    /// <summary>Seconds to wait before the first probe.</summary>
    public int? InitialDelaySeconds { get; init; }

    /// <summary>Seconds a probe may take.</summary>
    public int? TimeoutSeconds { get; init; }

    /// <summary>Seconds between probes.</summary>
    public int? PeriodSeconds { get; init; }

    /// <summary>Successes needed.</summary>
    public int? SuccessThreshold { get; init; }

    /// <summary>Failures tolerated.</summary>
    public int? FailureThreshold { get; init; }

    /// <summary>Grace period (kept as given).</summary>
    public long? TerminationGracePeriodSeconds { get; init; }
}

/// <summary>A command to run.</summary>
public sealed record ExecAction
{
    /// <summary>The command and its arguments.</summary>
    public ImmutableArray<string> Command { get; init; } = [];
}

/// <summary>An HTTP GET probe.</summary>
public sealed record HttpGetAction
{
    /// <summary>The path.</summary>
    public string? Path { get; init; }

    /// <summary>The port number or name.</summary>
    public IntOrString Port { get; init; }

    /// <summary>The host (default localhost).</summary>
    public string? Host { get; init; }

    /// <summary>HTTP or HTTPS.</summary>
    public string? Scheme { get; init; }

    /// <summary>Extra headers (kept as given).</summary>
    public JsonNode? HttpHeaders { get; init; }
}

/// <summary>A TCP connect probe.</summary>
public sealed record TcpSocketAction
{
    /// <summary>The port number or name.</summary>
    public IntOrString Port { get; init; }

    /// <summary>The host (default localhost).</summary>
    public string? Host { get; init; }
}

/// <summary>A port a container exposes.</summary>
public sealed record ContainerPort
{
    /// <summary>A name for the port.</summary>
    public string? Name { get; init; }

    /// <summary>The port in the container.</summary>
    [Binding.Field("containerPort")]
    public int Number { get; init; }

    /// <summary>The port on the host (kept as given).</summary>
    public int? HostPort { get; init; }

    /// <summary>The protocol.</summary>
    public string? Protocol { get; init; }

    /// <summary>The host IP (kept as given).</summary>
    public string? HostIP { get; init; }
}

/// <summary>A Kubernetes value that is either an integer or a string, such as a port.</summary>
/// <param name="Text">The value as text.</param>
/// <param name="IsInteger">Whether it was given as an integer.</param>
public readonly record struct IntOrString(string Text, bool IsInteger)
{
    /// <inheritdoc />
    public override string ToString() => Text;
}
