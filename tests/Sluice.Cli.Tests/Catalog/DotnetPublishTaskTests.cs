using Sluice.Cli.Tests.Processes;

namespace Sluice.Cli.Tests.Catalog;

/// <summary>
/// The catalog's <c>dotnet-publish</c> Task run by the real <c>sluice run</c> on Docker, in the .NET SDK
/// stand-in: one SDK container cross-compiles a console app for linux-x64 and linux-arm64 into
/// binaries/RID of the named claim <c>source</c>, restoring from NuGet into the named claim
/// <c>nuget</c>; a second run with the same sources is served from the cache and starts no container.
/// Needs Docker, the stand-in images eng/ builds, and NuGet over the host network.
/// </summary>
public sealed class DotnetPublishTaskTests : IDisposable
{
    private const string Run = """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          generateName: publish-
        spec:
          taskRef: {name: dotnet-publish}
          params:
            - {name: project, value: app/hello.csproj}
            - {name: sources, value: app}
            - {name: version, value: 2.3.4}
          workspaces:
            - name: source
              persistentVolumeClaim: {claimName: source}
            - name: nuget-cache
              persistentVolumeClaim: {claimName: nuget}
        """;

    private readonly string _work = Directory.CreateTempSubdirectory("sluice-dotnet-publish-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string Home => Path.Combine(_work, "home");

    private string Source => Path.Combine(Home, "claims", "default", "source");

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task One_sdk_container_publishes_for_both_runtimes_and_a_rerun_with_the_same_sources_comes_from_the_cache()
    {
        Directory.CreateDirectory(Path.Combine(Source, "app"));
        await File.WriteAllTextAsync(Path.Combine(Source, "app", "hello.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <InvariantGlobalization>true</InvariantGlobalization>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
            </Project>
            """, Cancel);
        await File.WriteAllTextAsync(Path.Combine(Source, "app", "Program.cs"), "Console.WriteLine(\"hello\");\n", Cancel);
        // What the build writes next to the sources is left out of the cache key by .gitignore, as in a real repository.
        await File.WriteAllTextAsync(Path.Combine(Source, "app", ".gitignore"), "bin/\nobj/\n", Cancel);
        var file = Path.Combine(_work, "run.yaml");
        await File.WriteAllTextAsync(file, Run, Cancel);
        var standIns = Path.Combine(RepositoryPaths.Root, "eng", "images", "standins.yaml");

        var (code, output) = await RunAsync("run", "--network", "host", "--config", standIns, file);

        Assert.True(code == 0, output);
        Assert.Contains("dotnet publish app/hello.csproj -c Release -r linux-arm64", output, StringComparison.Ordinal);
        foreach (var rid in new[] { "linux-x64", "linux-arm64" })
        {
            Assert.True(File.Exists(Path.Combine(Source, "binaries", rid, "hello")), $"binaries/{rid}/hello is missing:\n{output}");
            Assert.True(File.Exists(Path.Combine(Source, "binaries", rid, "libhostfxr.so")), $"binaries/{rid} is not self-contained");
        }

        var version = System.Diagnostics.FileVersionInfo.GetVersionInfo(Path.Combine(Source, "binaries", "linux-x64", "hello.dll"));
        Assert.Equal("2.3.4", version.ProductVersion?.Split('+')[0]);
        Assert.True(Directory.Exists(Path.Combine(Home, "claims", "default", "nuget", "packages")), "the NuGet cache workspace was not used");

        Directory.Delete(Path.Combine(Source, "binaries"), recursive: true);
        var (again, printedAgain) = await RunAsync("run", "--network", "host", "--config", standIns, file);

        Assert.True(again == 0, printedAgain);
        Assert.DoesNotContain("dotnet publish", printedAgain, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Source, "binaries", "linux-arm64", "hello")), "the cache did not restore the binaries");
    }

    private async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        using var process = SluiceProcess.Start(Home, args);
        await process.WaitForExitAsync(TimeSpan.FromMinutes(8));
        return (process.ExitCode, process.Output);
    }
}
