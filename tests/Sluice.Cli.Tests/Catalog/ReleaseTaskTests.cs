using System.Net;
using System.Text;
using Sluice.Cli.Tests.Processes;
using Sluice.Oci;
using Sluice.Oci.Distribution;
using Sluice.Testing;
using Sluice.Testing.Git;

namespace Sluice.Cli.Tests.Catalog;

/// <summary>
/// The catalog's custom task <c>Release</c> run by the real <c>sluice run</c> against a registry and a Git
/// server on 127.0.0.1 (push needs Basic auth, from a Secret workspace): the version tags and the Git tag
/// are written only when every digest is in the registry and no tag names something else, and a rerun
/// writes nothing. Checked with skopeo, the host's git and the registry's log. Needs docker-registry,
/// skopeo and git; no Docker.
/// </summary>
public sealed class ReleaseTaskTests : IAsyncLifetime
{
    private const string Password = "re1ease-Pa55-never-printed";
    private static readonly NetworkCredential Credentials = new("releaser", Password);

    private readonly string _work = Directory.CreateTempSubdirectory("sluice-release-task-").FullName;
    private RegistryServer _registry = null!;
    private GitServer _git = null!;
    private GitRepository _repository = null!;
    private string _commit = string.Empty;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string Home => Path.Combine(_work, "home");

    private string Source => Path.Combine(Home, "claims", "default", "source");

    public async ValueTask InitializeAsync()
    {
        _registry = await RegistryServer.StartAsync(_ => null, Cancel);
        _git = await GitServer.StartAsync(Credentials, Cancel);
        _repository = await _git.CreateRepositoryAsync("app", new Dictionary<string, string> { ["README.md"] = "app\n" }, null, Cancel);
        _commit = await _repository.RevParseAsync("main", Cancel);
        await ProcessRunner.OutputAsync("git", ["clone", "--depth", "1", $"http://{Credentials.UserName}:{Password}@127.0.0.1:{_git.Port}/app.git", Source], TimeSpan.FromMinutes(1), Cancel);
        await ProcessRunner.OutputAsync("git", ["-C", Source, "remote", "set-url", "origin", _repository.Url], TimeSpan.FromMinutes(1), Cancel);
    }

    public async ValueTask DisposeAsync()
    {
        await _git.DisposeAsync();
        await _registry.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task Tags_go_on_the_image_the_chart_and_the_commit_and_a_rerun_writes_nothing()
    {
        var image = await PushAsync("team/app", "image");
        var chart = await PushAsync("charts/app", "chart");

        var (code, output) = await ReleaseAsync([image, chart]);

        Assert.True(code == 0, output);
        Assert.Contains("1.4.0: released (3 registry tags written, Git tag pushed)", output, StringComparison.Ordinal);
        Assert.Equal(image.Digest!.ToString(), await DigestOfAsync($"{_registry.Host}/team/app:1.4.0"));
        Assert.Equal(image.Digest!.ToString(), await DigestOfAsync($"{_registry.Host}/team/app:latest"));
        Assert.Equal(chart.Digest!.ToString(), await DigestOfAsync($"{_registry.Host}/charts/app:1.4.0"));
        Assert.Equal(_commit, await _repository.RevParseAsync("v1.4.0^{commit}", Cancel));
        Assert.Equal("Release 1.4.0", (await _repository.GitAsync(Cancel, "tag", "-l", "--format=%(contents:subject)", "v1.4.0")).Trim());
        Assert.DoesNotContain(Password, output, StringComparison.Ordinal);

        var writes = Writes();
        var (again, printedAgain) = await ReleaseAsync([image, chart]);
        Assert.True(again == 0, printedAgain);
        Assert.Contains("1.4.0: up-to-date (0 registry tags written, Git tag in place)", printedAgain, StringComparison.Ordinal);
        Assert.Equal(writes, Writes());
    }

    [Fact]
    public async Task A_digest_missing_from_the_registry_fails_before_any_tag_is_written()
    {
        var image = await PushAsync("team/app", "image");
        var missing = new OciRepository(_registry.Host, "charts/app").WithDigest(Digest.Sha256(Encoding.UTF8.GetBytes("never pushed")));

        var (code, output) = await ReleaseAsync([image, missing]);

        Assert.Equal(1, code);
        Assert.Contains("ReleaseIncomplete", output, StringComparison.Ordinal);
        Assert.Contains($"{missing} is not in its registry; nothing was tagged", output, StringComparison.Ordinal);
        Assert.Equal(0, _registry.CountRequests("PUT", "/v2/team/app/manifests/1.4.0"));
        Assert.Equal(string.Empty, (await _repository.GitAsync(Cancel, "tag", "-l")).Trim());
    }

    [Fact]
    public async Task A_version_tag_that_names_another_digest_is_a_conflict_and_nothing_moves()
    {
        var old = await PushAsync("team/app", "old image");
        using (var client = new RegistryClient())
        {
            await client.TagAsync(old.Repository, old.Digest!, "1.4.0", Cancel);
        }

        var image = await PushAsync("team/app", "image");
        var (code, output) = await ReleaseAsync([image]);

        Assert.Equal(1, code);
        Assert.Contains("ReleaseConflict", output, StringComparison.Ordinal);
        Assert.Equal(old.Digest!.ToString(), await DigestOfAsync($"{_registry.Host}/team/app:1.4.0"));
        Assert.Equal(0, _registry.CountRequests("PUT", "/v2/team/app/manifests/latest"));
        Assert.Equal(string.Empty, (await _repository.GitAsync(Cancel, "tag", "-l")).Trim());
    }

    [Fact]
    public async Task A_wrong_Git_password_fails_naming_authentication_before_the_registry_is_tagged()
    {
        var image = await PushAsync("team/app", "image");

        var (code, output) = await ReleaseAsync([image], password: "wr0ng-also-secret");

        Assert.Equal(1, code);
        Assert.Contains("GitAuthenticationFailed", output, StringComparison.Ordinal);
        Assert.DoesNotContain("wr0ng-also-secret", output, StringComparison.Ordinal);
        Assert.Equal(0, _registry.CountRequests("PUT", "/v2/team/app/manifests/1.4.0"));
    }

    /// <summary>Pushes a small image manifest by digest only.</summary>
    private async Task<OciReference> PushAsync(string repositoryName, string text)
    {
        using var client = new RegistryClient();
        var repository = new OciRepository(_registry.Host, repositoryName);
        var config = OciContent.Create(new ImageConfig { Os = "linux", Architecture = "amd64", RootFs = new RootFs { DiffIds = [] }, Config = new ContainerConfig { Labels = ImmutableSortedDictionaryOf(text) } });
        await client.PushBlobAsync(repository, config, Cancel);
        var manifest = OciContent.Create(new ImageManifest { Config = config.Descriptor, Layers = [] });
        await client.PushManifestAsync(repository, manifest, Cancel);
        return repository.WithDigest(manifest.Descriptor.Digest);
    }

    private static System.Collections.Immutable.ImmutableSortedDictionary<string, string> ImmutableSortedDictionaryOf(string text) =>
        System.Collections.Immutable.ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal).Add("test", text);

    private async Task<(int ExitCode, string Output)> ReleaseAsync(IReadOnlyList<OciReference> references, string password = Password)
    {
        var images = string.Join(", ", references.Where(r => !r.Repository.Name.StartsWith("charts/", StringComparison.Ordinal)));
        var charts = string.Join(", ", references.Where(r => r.Repository.Name.StartsWith("charts/", StringComparison.Ordinal)));
        var file = Path.Combine(_work, "pipelinerun.yaml");
        await File.WriteAllTextAsync(file, $$"""
            apiVersion: v1
            kind: Secret
            metadata:
              name: git-auth
            stringData:
              .git-credentials: http://{{Credentials.UserName}}:{{password}}@127.0.0.1:{{_git.Port}}
            ---
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              generateName: release-
            spec:
              pipelineSpec:
                tasks:
                  - name: release
                    taskRef: {apiVersion: sluice.dev/v1, kind: Release}
                    params:
                      - {name: version, value: 1.4.0}
                      - {name: images, value: [{{images}}]}
                      - {name: charts, value: [{{charts}}]}
                      - {name: moving-tags, value: [latest]}
                      - {name: repository, value: "{{_repository.Url}}"}
                      - {name: commit, value: {{_commit}}}
                    workspaces:
                      - {name: source, workspace: source}
                      - {name: basic-auth, workspace: git-auth}
                workspaces: [{name: source}, {name: git-auth}]
              workspaces:
                - name: source
                  persistentVolumeClaim: {claimName: source}
                - name: git-auth
                  secret: {secretName: git-auth}
            """, Cancel);
        return await SluiceProcess.RunAsync(Home, "run", "--network", "host", file);
    }

    private async Task<string> DigestOfAsync(string reference)
    {
        var manifest = await Skopeo.RawAsync(reference, Cancel);
        return Digest.Sha256(manifest).ToString();
    }

    private int Writes() =>
        _registry.CountRequests("PUT") + _registry.CountRequests("POST") + _git.Requests.Count(r => r.Method == "POST" && r.Path.EndsWith("git-receive-pack", StringComparison.Ordinal));
}
