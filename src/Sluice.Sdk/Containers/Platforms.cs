using System.Runtime.InteropServices;

namespace Sluice.Sdk.Containers;

/// <summary>Platforms as OCI images name them: <c>os/architecture[/variant]</c>.</summary>
public static class Platforms
{
    /// <summary>64-bit x86 Linux.</summary>
    public const string LinuxAmd64 = "linux/amd64";

    /// <summary>64-bit ARM Linux.</summary>
    public const string LinuxArm64 = "linux/arm64";

    /// <summary>The platform of this machine's containers.</summary>
    public static string Host { get; } = "linux/" + RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        Architecture.X86 => "386",
        Architecture.Arm => "arm",
        var other => other.ToString().ToLowerInvariant(),
    };

    /// <summary>The .NET runtime identifier that targets a platform, such as <c>linux-arm64</c>.</summary>
    /// <exception cref="ArgumentException">The platform has no .NET runtime identifier here.</exception>
    public static string RuntimeIdentifier(string platform) => Validate(platform) switch
    {
        LinuxAmd64 => "linux-x64",
        LinuxArm64 => "linux-arm64",
        "linux/arm" or "linux/arm/v7" => "linux-arm",
        _ => throw new ArgumentException($"no .NET runtime identifier is known for {platform}", nameof(platform)),
    };

    /// <summary>The platform, checked to have the form <c>os/architecture[/variant]</c> in lower case.</summary>
    /// <exception cref="ArgumentException">It does not.</exception>
    public static string Validate(string platform)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(platform);
        var parts = platform.Split('/');
        return parts.Length is 2 or 3 && parts.All(p => p.Length > 0 && p.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
            ? platform
            : throw new ArgumentException($"\"{platform}\" is not a platform: write os/architecture[/variant], such as linux/arm64", nameof(platform));
    }
}
