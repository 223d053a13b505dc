using System.Reflection;
using Sluice.Testing;

namespace Sluice.EndToEnd.Tests;

/// <summary>The real <c>sluice</c> program the build put next to the tests, run with a home and the stand-in image map.</summary>
internal static class SluiceCommand
{
    /// <summary>The repository this build came from.</summary>
    public static string RepositoryRoot { get; } =
        typeof(SluiceCommand).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    public static string Program => Path.Combine(AppContext.BaseDirectory, "sluice");

    /// <summary>Runs <c>sluice ARGS</c> in <paramref name="directory"/> with <c>SLUICE_HOME</c> <paramref name="home"/>, for at most <paramref name="limit"/>.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string home, string directory, TimeSpan limit, params string[] args) =>
        await RunAsync(home, directory, null, limit, args);

    /// <summary>Runs <c>sluice ARGS</c> as above, with <c>DOCKER_CONFIG</c> <paramref name="dockerConfig"/> when given (the Docker client of Dockerfile builds reads it).</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string home, string directory, string? dockerConfig, TimeSpan limit, params string[] args)
    {
        var environment = new Dictionary<string, string> { ["SLUICE_HOME"] = home, ["NO_COLOR"] = "1" };
        if (dockerConfig is not null)
        {
            environment["DOCKER_CONFIG"] = dockerConfig;
        }

        var result = await ProcessRunner.RunAsync(Program, args, limit, TestContext.Current.CancellationToken, directory, environment);
        return (result.ExitCode, result.Stdout + result.Stderr);
    }
}
