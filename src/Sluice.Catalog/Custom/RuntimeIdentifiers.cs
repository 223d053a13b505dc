using Sluice.Oci;

namespace Sluice.Catalog.Custom;

/// <summary>The .NET runtime identifier of a platform, the name of its <c>dotnet publish -r</c> output.</summary>
public static class RuntimeIdentifiers
{
    /// <summary>linux-x64 for linux/amd64, linux-arm64 for linux/arm64, linux-arm for linux/arm; null for others.</summary>
    public static string? Of(Platform platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        var arch = platform.Architecture switch
        {
            "amd64" => "x64",
            "arm64" => "arm64",
            "arm" => "arm",
            "386" => "x86",
            "s390x" => "s390x",
            "ppc64le" => "ppc64le",
            _ => null,
        };
        return platform.Os is "linux" or "windows" && arch is not null ? $"{platform.Os.Replace("windows", "win", StringComparison.Ordinal)}-{arch}" : null;
    }
}
