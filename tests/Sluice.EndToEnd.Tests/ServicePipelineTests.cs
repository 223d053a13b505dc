using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sluice.Testing;
using Sluice.Testing.Git;

namespace Sluice.EndToEnd.Tests;

/// <summary>
/// The service pipeline of examples/conference-app/.tekton, and its feature-branch variant, run by the real
/// <c>sluice run</c> on Docker for the application's services against the Git server, registry and event sink of
/// <see cref="ConferenceApp"/>, and checked with Debian's skopeo, git and docker rather than Sluice's own
/// clients. Needs what eng/ installs and starts: Docker, the stand-in images, docker-registry, skopeo,
/// qemu-user-static, and NuGet over the host network.
/// </summary>
public sealed partial class ServicePipelineTests(ConferenceApp app) : IClassFixture<ConferenceApp>
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(3);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_service_is_released_from_one_commit_and_a_rerun_without_a_new_commit_publishes_nothing()
    {
        var runs = string.Join("\n---\n", ConferenceApp.Services.Select(s => app.PipelineRun(s, $"{s.Directory}-1")));
        var (code, output) = await app.RunAsync("release", app.Secrets(ConferenceApp.RegistryPassword) + "\n---\n" + runs);

        Assert.True(code == 0, output);
        Assert.DoesNotContain(ConferenceApp.GitPassword, output, StringComparison.Ordinal);
        Assert.DoesNotContain(ConferenceApp.RegistryPassword, output, StringComparison.Ordinal);
        var commit = await app.Application.RevParseAsync("main", Cancel);
        foreach (var service in ConferenceApp.Services)
        {
            var image = $"{app.Destination}/{service.Directory}";
            var index = JsonNode.Parse(await Skopeo.RawAsync($"{image}:0.1.0", Cancel, "--authfile", Path.Combine(app.DockerConfig, "config.json")))!;
            Assert.Equal(["amd64", "arm64"], index["manifests"]!.AsArray().Select(m => (string)m!["platform"]!["architecture"]!).Order(StringComparer.Ordinal));
            var chart = JsonNode.Parse(await Skopeo.RawAsync($"{app.Destination}/charts/{service.Directory}/conference-app:0.1.0", Cancel, "--authfile", Path.Combine(app.DockerConfig, "config.json")))!;
            Assert.Equal("application/vnd.cncf.helm.config.v1+json", (string?)chart["config"]!["mediaType"]);
            Assert.Equal("application/vnd.cncf.helm.chart.content.v1.tar+gzip", (string?)chart["layers"]![0]!["mediaType"]);
            if (service.Project is not null)
            {
                var binaries = JsonNode.Parse(await Skopeo.RawAsync($"{image}-binaries:0.1.0", Cancel, "--authfile", Path.Combine(app.DockerConfig, "config.json")))!;
                Assert.Equal(2, binaries["manifests"]!.AsArray().Count);
            }

            Assert.Equal(commit, await app.Application.RevParseAsync($"{service.Directory}/v0.1.0^{{commit}}", Cancel));
            var (described, description) = await SluiceCommand.RunAsync(app.Home, app.Work, ToolTimeout, "describe", $"{service.Directory}-1");
            Assert.True(described == 0, description);
            Assert.Contains($"{image}", description, StringComparison.Ordinal);
            Assert.Matches($@"{Regex.Escape(app.Destination)}/charts/{service.Directory}/conference-app\S*\s+sha256:[0-9a-f]{{64}}|sha256:[0-9a-f]{{64}}\S*\s+{Regex.Escape(app.Destination)}/charts/{service.Directory}", description);
        }

        var agenda = $"{app.Destination}/agenda-service:0.1.0";
        Assert.Equal("x64", (string?)JsonNode.Parse(await ServeAsync(agenda, "linux/amd64"))!["platform"]);
        Assert.Equal("arm64", (string?)JsonNode.Parse(await ServeAsync(agenda, "linux/arm64"))!["platform"]);
        Assert.Equal("frontend", (string?)JsonNode.Parse(await ServeAsync($"{app.Destination}/frontend:0.1.0", "linux/amd64"))!["name"]);

        var values = await EnvironmentFileAsync();
        foreach (var service in ConferenceApp.Services)
        {
            var digest = Digest(await Skopeo.RawAsync($"{app.Destination}/{service.Directory}:0.1.0", Cancel, "--authfile", Path.Combine(app.DockerConfig, "config.json")));
            Assert.Contains($"digest: \"{digest}\"", Block(values, service.ValuesKey), StringComparison.Ordinal);
        }

        var events = app.Events.To("/releases");
        Assert.Equal(ConferenceApp.Services.Select(s => s.Directory).Order(StringComparer.Ordinal), events.Select(e => e.Header("ce-subject") ?? (string?)JsonNode.Parse(e.Body)!["subject"]).Order(StringComparer.Ordinal));

        // No new commit: everything is in place, so nothing is built, pushed, tagged, promoted or told.
        var writes = app.Registry.CountRequests("PUT") + app.Registry.CountRequests("POST") + app.Registry.CountRequests("PATCH");
        var environmentCommit = await app.Environment.RevParseAsync("main", Cancel);
        var rerun = string.Join("\n---\n", ConferenceApp.Services.Select(s => app.PipelineRun(s, $"{s.Directory}-2")));
        var (again, printedAgain) = await app.RunAsync("rerun", app.Secrets(ConferenceApp.RegistryPassword) + "\n---\n" + rerun);

        Assert.True(again == 0, printedAgain);
        Assert.Equal(writes, app.Registry.CountRequests("PUT") + app.Registry.CountRequests("POST") + app.Registry.CountRequests("PATCH"));
        Assert.DoesNotContain("[build-test/", printedAgain, StringComparison.Ordinal);
        Assert.DoesNotContain("[publish/", printedAgain, StringComparison.Ordinal);
        Assert.DoesNotContain("docker build --platform", printedAgain, StringComparison.Ordinal);
        Assert.Equal(ConferenceApp.Services.Count, Regex.Matches(printedAgain, @"@sha256:[0-9a-f]{64}: up-to-date \(the inputs of TaskRun \S+-1-image, unchanged").Count);
        Assert.Equal(environmentCommit, await app.Environment.RevParseAsync("main", Cancel));
        Assert.Equal(ConferenceApp.Services.Count, app.Events.To("/releases").Count);

        // A commit that touches one service: --changed-since releases that service alone.
        await app.Application.CommitAsync(new Dictionary<string, string> { ["agenda-service/src/CHANGES.md"] = "A fix of the agenda.\n" }, new GitCommit { Message = "fix: the agenda's changes file" }, Cancel);
        var clone = Path.Combine(app.Work, "checkout");
        await ProcessRunner.OutputAsync("git", ["clone", "--quiet", $"http://{ConferenceApp.GitUser}:{ConferenceApp.GitPassword}@127.0.0.1:{app.Git.Port}/conference-app.git", clone], ToolTimeout, Cancel);
        var others = ConferenceApp.Services.Where(s => s.Directory != "agenda-service").ToList();
        var before = others.ToDictionary(s => s.Directory, s => app.Registry.CountRequests("PUT", $"/v2/conference-app/{s.Directory}"));
        var third = string.Join("\n---\n", ConferenceApp.Services.Select(s => app.PipelineRun(s, $"{s.Directory}-3")));
        var (changedCode, changedOutput) = await app.RunInAsync(clone, "changed", app.Secrets(ConferenceApp.RegistryPassword) + "\n---\n" + third, "--changed-since", "HEAD~1");

        Assert.True(changedCode == 0, changedOutput);
        Assert.Contains("PipelineRun agenda-service-3: agenda-service/src/CHANGES.md changed since HEAD~1", changedOutput, StringComparison.Ordinal);
        foreach (var other in others)
        {
            Assert.Contains($"PipelineRun {other.Directory}-3 skipped: nothing under {other.Directory} changed since HEAD~1", changedOutput, StringComparison.Ordinal);
            Assert.Equal(before[other.Directory], app.Registry.CountRequests("PUT", $"/v2/conference-app/{other.Directory}"));
            Assert.Equal(["0.1.0", "latest"], await TagsAsync($"{app.Destination}/{other.Directory}"));
        }

        Assert.Equal(["0.1.0", "0.1.1", "latest"], await TagsAsync($"{app.Destination}/agenda-service"));
        Assert.Equal(await app.Application.RevParseAsync("main", Cancel), await app.Application.RevParseAsync("agenda-service/v0.1.1^{commit}", Cancel));
        var promoted = Digest(await Skopeo.RawAsync($"{app.Destination}/agenda-service:0.1.1", Cancel, "--authfile", Path.Combine(app.DockerConfig, "config.json")));
        Assert.Contains($"digest: \"{promoted}\"", Block(await EnvironmentFileAsync(), "agendaService"), StringComparison.Ordinal);
        Assert.Equal(ConferenceApp.Services.Count + 1, app.Events.To("/releases").Count);
    }

    [Fact]
    public async Task A_feature_branch_gets_a_pre_release_under_its_own_path_and_leaves_releases_tags_and_the_environment_alone()
    {
        var agenda = ConferenceApp.Services.Single(s => s.Directory == "agenda-service");
        await app.Application.BranchAsync("feature/login", "main", Cancel);
        await app.Application.CommitAsync(new Dictionary<string, string> { ["agenda-service/src/LOGIN.md"] = "Sign-in for speakers.\n" }, new GitCommit { Message = "feat: sign-in" }, Cancel, "feature/login");
        var tagsBefore = await app.Application.GitAsync(Cancel, "tag", "--list");
        var environmentCommit = await app.Environment.RevParseAsync("main", Cancel);
        var releases = app.Events.To("/releases").Count;

        var (code, output) = await app.RunAsync("feature", app.Secrets(ConferenceApp.RegistryPassword) + "\n---\n" + app.PipelineRun(agenda, "agenda-service-feature", "feature/login", featureBranch: true));

        Assert.True(code == 0, output);
        var image = $"{app.Destination}/feature/agenda-service";
        var version = Assert.Single(await TagsAsync(image));
        Assert.Matches(@"^\d+\.\d+\.\d+-feature-login\.1$", version);
        var authFile = Path.Combine(app.DockerConfig, "config.json");
        var index = JsonNode.Parse(await Skopeo.RawAsync($"{image}:{version}", Cancel, "--authfile", authFile))!;
        Assert.Equal(["amd64", "arm64"], index["manifests"]!.AsArray().Select(m => (string)m!["platform"]!["architecture"]!).Order(StringComparer.Ordinal));
        Assert.Equal([version], await TagsAsync($"{image}-binaries"));
        Assert.Equal([version], await TagsAsync($"{app.Destination}/feature/charts/agenda-service/conference-app"));
        Assert.Equal("x64", (string?)JsonNode.Parse(await ServeAsync($"{image}:{version}", "linux/amd64"))!["platform"]);
        Assert.Equal(tagsBefore, await app.Application.GitAsync(Cancel, "tag", "--list"));
        Assert.Equal(environmentCommit, await app.Environment.RevParseAsync("main", Cancel));
        Assert.Equal(releases, app.Events.To("/releases").Count);
        var announced = Assert.Single(app.Events.To("/prereleases"));
        var body = JsonNode.Parse(announced.Body)!;
        var data = announced.Header("ce-subject") is null ? body["data"]! : body;
        Assert.Equal(("agenda-service", version), ((string?)data["service"], (string?)data["version"]));
    }

    private async Task<IReadOnlyList<string>> TagsAsync(string repository)
    {
        var listed = JsonNode.Parse(await Skopeo.RunAsync(Cancel, "list-tags", "--tls-verify=false", "--authfile", Path.Combine(app.DockerConfig, "config.json"), $"docker://{repository}"))!;
        return [.. listed["Tags"]!.AsArray().Select(t => (string)t!).Order(StringComparer.Ordinal)];
    }

    /// <summary>Runs an image of the registry on the host network and returns its /service/info.</summary>
    private async Task<string> ServeAsync(string image, string platform)
    {
        var port = RegistryServer.SparePort();
        var name = $"sluice-e2e-{Guid.NewGuid():N}";
        var docker = new[] { "--config", app.DockerConfig };
        await ProcessRunner.OutputAsync("/usr/bin/docker", [.. docker, "pull", "--platform", platform, image], ToolTimeout, Cancel);
        await ProcessRunner.OutputAsync("/usr/bin/docker", [.. docker, "run", "--detach", "--rm", "--name", name, "--platform", platform, "--network", "host", "--env", $"ASPNETCORE_HTTP_PORTS={port}", image], ToolTimeout, Cancel);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            while (true)
            {
                try
                {
                    var ready = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health/readiness"), Cancel);
                    if (ready.IsSuccessStatusCode)
                    {
                        return await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/service/info"), Cancel);
                    }
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline)
                {
                }
                catch (TaskCanceledException) when (DateTime.UtcNow < deadline)
                {
                }

                Assert.True(DateTime.UtcNow < deadline, $"{image} ({platform}) did not answer /health/readiness within 2 minutes");
                await Task.Delay(500, Cancel);
            }
        }
        finally
        {
            await ProcessRunner.RunAsync("/usr/bin/docker", ["rm", "--force", name], ToolTimeout, CancellationToken.None);
            await ProcessRunner.RunAsync("/usr/bin/docker", ["image", "rm", "--force", image], ToolTimeout, CancellationToken.None);
        }
    }

    private async Task<string> EnvironmentFileAsync()
    {
        var clone = Path.Combine(app.Work, $"environment-{Guid.NewGuid():N}");
        await ProcessRunner.OutputAsync("git", ["clone", "--quiet", $"http://{ConferenceApp.GitUser}:{ConferenceApp.GitPassword}@127.0.0.1:{app.Git.Port}/environment.git", clone], ToolTimeout, Cancel);
        return await File.ReadAllTextAsync(Path.Combine(clone, "values", "production.yaml"), Cancel);
    }

    /// <summary>The lines of one top-level block of a YAML file.</summary>
    private static string Block(string yaml, string key)
    {
        var start = yaml.IndexOf($"\n{key}:", StringComparison.Ordinal);
        Assert.True(start >= 0, $"{key} is not in:\n{yaml}");
        var end = TopLevelKey().Match(yaml, start + 1 + key.Length + 1);
        return end.Success ? yaml[start..end.Index] : yaml[start..];
    }

    private static string Digest(byte[] manifest) => Oci.Digest.Sha256(manifest).ToString();

    [GeneratedRegex(@"\n[A-Za-z]")]
    private static partial Regex TopLevelKey();
}
