using System.Text.Json.Nodes;
using Sluice.Testing;
using Sluice.Testing.Git;

namespace Sluice.EndToEnd.Tests;

/// <summary>
/// The service pipeline's failures say which task failed and why, and leave nothing half-published: no
/// tag in the registry, no Git tag, no promotion, no event. Each runs agenda-service's pipeline against
/// a <see cref="ConferenceApp"/> of its own, checked with skopeo and git.
/// </summary>
public sealed class FailureTests(ConferenceApp app) : IClassFixture<ConferenceApp>
{
    private static readonly ConferenceApp.Service Agenda = ConferenceApp.Services[0];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_wrong_registry_password_fails_the_image_push_and_nothing_is_tagged_or_promoted()
    {
        var (code, output) = await app.RunAsync("wrong-password", app.Secrets("wr0ng-registry-password") + "\n---\n" + app.PipelineRun(Agenda, "wrong-password"));

        Assert.Equal(1, code);
        Assert.Contains("✗ image RegistryAuthenticationFailed", output, StringComparison.Ordinal);
        Assert.DoesNotContain("wr0ng-registry-password", output, StringComparison.Ordinal);
        await AssertNothingReleasedAsync();
    }

    [Fact]
    public async Task An_unreachable_Git_server_fails_the_clone_naming_it()
    {
        var closed = $"http://127.0.0.1:{RegistryServer.SparePort()}/conference-app.git";
        var run = app.PipelineRun(Agenda, "unreachable").Replace(app.Application.Url, closed, StringComparison.Ordinal);

        var (code, output) = await app.RunAsync("unreachable", app.Secrets(ConferenceApp.RegistryPassword) + "\n---\n" + run);

        Assert.Equal(1, code);
        Assert.Contains("✗ clone", output, StringComparison.Ordinal);
        Assert.Contains("cannot reach 127.0.0.1", output, StringComparison.Ordinal);
        await AssertNothingReleasedAsync();
    }

    [Fact]
    public async Task A_failing_test_fails_build_test_naming_the_test_and_nothing_is_published()
    {
        await app.Application.CommitAsync(
            new Dictionary<string, string>
            {
                ["agenda-service/tests/ReleaseGateTests.cs"] = "namespace AgendaService.Tests;\n\npublic sealed class ReleaseGateTests\n{\n    [Xunit.Fact]\n    public void The_gate_is_closed() => Xunit.Assert.Equal(1, 2);\n}\n",
            },
            new GitCommit { Message = "test: a test that fails" },
            Cancel,
            branch: "failing-test");

        var (code, output) = await app.RunAsync("failing-test", app.Secrets(ConferenceApp.RegistryPassword) + "\n---\n" + app.PipelineRun(Agenda, "failing-test", revision: "failing-test"));

        Assert.Equal(1, code);
        Assert.Contains("✗ build-test", output, StringComparison.Ordinal);
        Assert.Contains("The_gate_is_closed", output, StringComparison.Ordinal);
        await AssertNothingReleasedAsync();
    }

    [Fact]
    public async Task Coverage_under_the_threshold_fails_build_test_naming_both_figures_and_nothing_is_published()
    {
        // A method no test calls: the service's line coverage drops below 100%.
        await app.Application.CommitAsync(
            new Dictionary<string, string>
            {
                ["agenda-service/src/Uncovered.cs"] = "namespace AgendaService;\n\ninternal static class Uncovered\n{\n    internal static int Twice(int value)\n    {\n        var doubled = value * 2;\n        return doubled;\n    }\n}\n",
            },
            new GitCommit { Message = "feat: code without tests" },
            Cancel,
            branch: "uncovered");
        var run = app.PipelineRun(Agenda, "uncovered", revision: "uncovered")
            .Replace("    - {name: values-key,", "    - {name: coverage-threshold, value: \"100\"}\n    - {name: values-key,", StringComparison.Ordinal);

        var (code, output) = await app.RunAsync("uncovered", app.Secrets(ConferenceApp.RegistryPassword) + "\n---\n" + run);

        Assert.Equal(1, code);
        Assert.Contains("✗ build-test", output, StringComparison.Ordinal);
        Assert.Matches(@"line coverage \d+\.\d% is under the threshold 100%", output);
        await AssertNothingReleasedAsync();
    }

    [Fact]
    public async Task A_formatting_error_fails_the_pull_request_pipelines_lint_naming_the_file()
    {
        await app.Application.CommitAsync(
            new Dictionary<string, string> { ["agenda-service/src/Untidy.cs"] = "namespace AgendaService;\n\ninternal static class Untidy\n{\n      internal const int Answer=42;\n}\n" },
            new GitCommit { Message = "chore: untidy code" },
            Cancel,
            branch: "untidy");
        var run = $$"""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: untidy
            spec:
              pipelineRef: {name: pull-request-pipeline}
              params:
                - {name: repository-url, value: "{{app.Application.Url}}"}
                - {name: revision, value: untidy}
                - {name: service, value: agenda-service}
              workspaces:
                - name: source
                  volumeClaimTemplate:
                    spec:
                      accessModes: [ReadWriteOnce]
                      resources:
                        requests:
                          storage: 1Gi
                - name: nuget-cache
                  persistentVolumeClaim: {claimName: nuget}
                - name: git-credentials
                  secret: {secretName: git-credentials}
            """;

        var (code, output) = await app.RunAsync("untidy", app.Secrets(ConferenceApp.RegistryPassword) + "\n---\n" + run);

        Assert.Equal(1, code);
        Assert.Contains("✗ lint", output, StringComparison.Ordinal);
        Assert.True(output.Contains("Untidy.cs", StringComparison.Ordinal), output);
        await AssertNothingReleasedAsync();
    }

    [Fact]
    public async Task A_matching_advisory_fails_the_audit_naming_package_and_advisory_and_nothing_is_released()
    {
        var matching = Path.Combine(app.Home, "claims", "default", "advisories-matching");
        Directory.CreateDirectory(matching);
        await File.WriteAllTextAsync(Path.Combine(matching, "GHSA-test-0002.json"), ConferenceApp.Advisory("GHSA-test-0002", "xunit.v3", "0", "999.0.0"), Cancel);
        var run = app.PipelineRun(Agenda, "advisory").Replace("claimName: advisories}", "claimName: advisories-matching}", StringComparison.Ordinal);

        var (code, output) = await app.RunAsync("advisory", app.Secrets(ConferenceApp.RegistryPassword) + "\n---\n" + run);

        Assert.Equal(1, code);
        Assert.Contains("✗ audit AdvisoryMatched", output, StringComparison.Ordinal);
        Assert.Contains("GHSA-test-0002", output, StringComparison.Ordinal);
        Assert.Contains("xunit.v3", output, StringComparison.Ordinal);
        await AssertNothingReleasedAsync();
    }

    /// <summary>No version tag in the registry, no Git tag, no promotion commit and no event.</summary>
    private async Task AssertNothingReleasedAsync()
    {
        foreach (var repository in new[] { "agenda-service", "agenda-service-binaries", "charts/agenda-service/conference-app" })
        {
            var listed = await ProcessRunner.RunAsync("skopeo", ["list-tags", "--tls-verify=false", "--authfile", Path.Combine(app.DockerConfig, "config.json"), $"docker://{app.Destination}/{repository}"], TimeSpan.FromMinutes(1), Cancel);
            var tags = listed.ExitCode == 0 ? JsonNode.Parse(listed.Stdout)!["Tags"]!.AsArray().Select(t => (string)t!).ToList() : [];
            Assert.Empty(tags);
        }

        Assert.Equal(string.Empty, (await app.Application.GitAsync(Cancel, "tag", "--list")).Trim());
        Assert.Equal("1", (await app.Environment.GitAsync(Cancel, "rev-list", "--count", "main")).Trim());
        Assert.Empty(app.Events.To("/releases"));
    }
}
