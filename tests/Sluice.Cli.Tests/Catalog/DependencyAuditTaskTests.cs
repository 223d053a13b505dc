using System.IO.Compression;
using System.Net;
using System.Text.Json.Nodes;
using Sluice.Cli.Tests.Processes;
using Sluice.Testing;

namespace Sluice.Cli.Tests.Catalog;

/// <summary>
/// The catalog's custom task <c>DependencyAudit</c> run by the real <c>sluice run</c>: a project in the named
/// claim <c>source</c>, restored by <c>dotnet restore</c> on this machine, is checked against OSV advisories
/// in the claim <c>advisories</c>; a matching advisory fails the run naming the package, version, advisory and
/// fix, also from a zip served over HTTP; an ignored or non-matching one lets it write the SBOM, and an unrestored
/// directory fails with the fix.
/// Needs the .NET SDK and NuGet (or its cache) for Newtonsoft.Json 13.0.1; no Docker.
/// </summary>
public sealed class DependencyAuditTaskTests : IDisposable
{
    private const string AdvisoryId = "GHSA-sl1c-e0au-d1t0";

    private const string Pipeline = """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata:
          generateName: audit-
        spec:
          pipelineSpec:
            tasks:
              - name: audit
                taskRef: {apiVersion: sluice.dev/v1, kind: DependencyAudit}
                params:
                  - {name: project, value: PROJECT}
                  - {name: advisories, value: ADVISORIES}
                  - {name: ignore, value: [IGNORE]}
                workspaces:
                  - {name: source, workspace: source}
                  - {name: advisories, workspace: advisories}
            workspaces: [{name: source}, {name: advisories}]
          workspaces:
            - name: source
              persistentVolumeClaim: {claimName: source}
            - name: advisories
              persistentVolumeClaim: {claimName: advisories}
        """;

    private static readonly TimeSpan RestoreTimeout = TimeSpan.FromMinutes(3);

    private readonly string _work = Directory.CreateTempSubdirectory("sluice-audit-task-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string Home => Path.Combine(_work, "home");

    private string Source => Path.Combine(Home, "claims", "default", "source");

    private string Advisories => Path.Combine(Home, "claims", "default", "advisories", "osv");

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task An_advisory_for_a_restored_package_fails_the_task_naming_the_package_version_advisory_and_fix()
    {
        await RestoreAsync();
        await AdvisoryAsync(fixedIn: "13.0.2");

        var (code, output) = await SluiceProcess.RunAsync(Home, "run", await WriteAsync("shop", string.Empty));

        Assert.True(code == 1, output);
        Assert.Contains("AdvisoryMatched", output, StringComparison.Ordinal);
        Assert.Contains($"Newtonsoft.Json 13.0.1: {AdvisoryId} (HIGH) Deeply nested JSON exhausts the stack; fixed in 13.0.2", output, StringComparison.Ordinal);
        Assert.Contains("1 advisory matches", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Source, ".sluice", "sbom.cdx.json")), output);
    }

    [Theory]
    [InlineData("13.0.2", AdvisoryId)]
    [InlineData("13.0.2", "CVE-2026-0001")]
    [InlineData("13.0.1", "")]
    public async Task An_ignored_or_non_matching_advisory_lets_the_task_write_the_sbom_with_the_packages_purl(string fixedIn, string ignore)
    {
        await RestoreAsync();
        await AdvisoryAsync(fixedIn);

        var (code, output) = await SluiceProcess.RunAsync(Home, "run", await WriteAsync("shop", ignore));

        Assert.True(code == 0, output);
        Assert.Contains(ignore.Length > 0 ? "1 ignored" : "0 matched, 0 ignored", output, StringComparison.Ordinal);
        var bill = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Source, ".sluice", "sbom.cdx.json"), Cancel))!;
        Assert.Equal("CycloneDX", (string?)bill["bomFormat"]);
        var package = bill["components"]!.AsArray().Single(c => (string?)c!["name"] == "Newtonsoft.Json")!;
        Assert.Equal(("13.0.1", "pkg:nuget/Newtonsoft.Json@13.0.1", "required"), ((string?)package["version"], (string?)package["purl"], (string?)package["scope"]));
    }

    [Fact]
    public async Task A_zip_of_advisories_at_an_http_url_is_downloaded_and_matched()
    {
        await RestoreAsync();
        await AdvisoryAsync(fixedIn: "13.0.2");
        var zip = Path.Combine(_work, "all.zip");
        ZipFile.CreateFromDirectory(Advisories, zip);
        var port = RegistryServer.SparePort();
        using var server = new HttpListener { Prefixes = { $"http://127.0.0.1:{port}/" } };
        server.Start();
        var served = ServeAsync(server, "/osv/NuGet/all.zip", await File.ReadAllBytesAsync(zip, Cancel));

        var (code, output) = await SluiceProcess.RunAsync(Home, "run", await WriteAsync("shop", string.Empty, $"http://127.0.0.1:{port}/osv/NuGet/all.zip"));

        Assert.True(code == 1, output);
        Assert.Contains($"http://127.0.0.1:{port}/osv/NuGet/all.zip: 1 advisory", output, StringComparison.Ordinal);
        Assert.Contains("AdvisoryMatched in", output, StringComparison.Ordinal);
        Assert.Contains($"Newtonsoft.Json 13.0.1: {AdvisoryId}", output, StringComparison.Ordinal);
        server.Stop();
        await served;
    }

    [Fact]
    public async Task A_directory_nobody_restored_fails_with_NotRestored_naming_it_and_the_fix()
    {
        Directory.CreateDirectory(Path.Combine(Source, "fresh"));
        await File.WriteAllTextAsync(Path.Combine(Source, "fresh", "fresh.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\" />\n", Cancel);
        await AdvisoryAsync(fixedIn: "13.0.2");

        var (code, output) = await SluiceProcess.RunAsync(Home, "run", await WriteAsync("fresh", string.Empty));

        Assert.True(code == 1, output);
        Assert.Contains("NotRestored", output, StringComparison.Ordinal);
        Assert.Contains("no obj/project.assets.json under fresh in workspace \"source\": run dotnet restore", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Source, ".sluice", "sbom.cdx.json")));
    }

    private async Task RestoreAsync()
    {
        var project = Path.Combine(Source, "shop");
        Directory.CreateDirectory(project);
        await File.WriteAllTextAsync(Path.Combine(project, "shop.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Newtonsoft.Json" Version="13.0.1" />
              </ItemGroup>
            </Project>
            """, Cancel);
        var environment = new Dictionary<string, string> { ["MSBUILDDISABLENODEREUSE"] = "1", ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0", ["DOTNET_NOLOGO"] = "1" };
        var result = await ProcessRunner.RunAsync("dotnet", ["restore"], RestoreTimeout, Cancel, project, environment);
        Assert.True(result.ExitCode == 0, $"dotnet restore failed:\n{result.Stdout}{result.Stderr}");
    }

    private async Task AdvisoryAsync(string fixedIn)
    {
        Directory.CreateDirectory(Path.Combine(Advisories, "Newtonsoft.Json"));
        await File.WriteAllTextAsync(Path.Combine(Advisories, "Newtonsoft.Json", AdvisoryId + ".json"), $$"""
            {
              "id": "{{AdvisoryId}}",
              "aliases": ["CVE-2026-0001"],
              "summary": "Deeply nested JSON exhausts the stack",
              "database_specific": {"severity": "HIGH"},
              "affected": [{
                "package": {"ecosystem": "NuGet", "name": "Newtonsoft.Json"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "{{fixedIn}}"}]}]
              }]
            }
            """, Cancel);
    }

    /// <summary>Answers every request for <paramref name="path"/> with the bytes, and others with 404, until the listener stops.</summary>
    private static async Task ServeAsync(HttpListener server, string path, byte[] content)
    {
        while (server.IsListening)
        {
            HttpListenerContext request;
            try
            {
                request = await server.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var response = request.Response;
            response.StatusCode = request.Request.Url?.AbsolutePath == path ? 200 : 404;
            if (response.StatusCode == 200)
            {
                response.ContentType = "application/zip";
                await response.OutputStream.WriteAsync(content, Cancel);
            }
        }
    }

    private async Task<string> WriteAsync(string project, string ignore, string advisories = "osv")
    {
        var file = Path.Combine(_work, "pipelinerun.yaml");
        var text = Pipeline.Replace("PROJECT", project, StringComparison.Ordinal).Replace("IGNORE", ignore, StringComparison.Ordinal).Replace("ADVISORIES", advisories, StringComparison.Ordinal);
        await File.WriteAllTextAsync(file, text, Cancel);
        return file;
    }
}
