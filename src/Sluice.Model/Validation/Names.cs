using System.Text.RegularExpressions;

namespace Sluice.Model.Validation;

/// <summary>Kubernetes and Tekton name rules.</summary>
public static partial class Names
{
    /// <summary>A DNS-1123 label: at most 63 characters of lowercase letters, digits and '-', starting and ending alphanumeric.</summary>
    public static bool IsDnsLabel(string? name) => name is { Length: > 0 and <= 63 } && DnsLabel().IsMatch(name);

    /// <summary>A DNS-1123 subdomain: at most 253 characters of labels separated by dots.</summary>
    public static bool IsDnsSubdomain(string? name) => name is { Length: > 0 and <= 253 } && DnsSubdomain().IsMatch(name);

    /// <summary>Tekton's result name rule.</summary>
    public static bool IsResultName(string? name) => name is not null && ResultName().IsMatch(name);

    /// <summary>Tekton's rule for string and array param names.</summary>
    public static bool IsParamName(string? name) => name is not null && ParamName().IsMatch(name);

    /// <summary>Tekton's rule for object param names and keys.</summary>
    public static bool IsObjectParamName(string? name) => name is not null && ObjectParamName().IsMatch(name);

    /// <summary>An environment variable name as Kubernetes accepts it.</summary>
    public static bool IsEnvName(string? name) => name is { Length: > 0 } && EnvName().IsMatch(name);

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsLabel();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex ResultName();

    [GeneratedRegex("^[_a-zA-Z][_a-zA-Z0-9.-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ParamName();

    [GeneratedRegex("^[_a-zA-Z][_a-zA-Z0-9-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ObjectParamName();

    [GeneratedRegex("^[-._a-zA-Z][-._a-zA-Z0-9]*$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvName();
}
