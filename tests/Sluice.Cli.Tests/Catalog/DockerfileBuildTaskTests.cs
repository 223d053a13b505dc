using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sluice.Catalog.Custom;
using Sluice.Cli.Tests.Processes;
using Sluice.Oci.Distribution;
using Sluice.Testing;

namespace Sluice.Cli.Tests.Catalog;

/// <summary>
/// The catalog's custom task <c>DockerfileBuild</c> in a pipeline run by the real <c>sluice run</c>: a
/// Dockerfile in the named claim <c>source</c> whose build stage runs on the builder's platform (the
/// busybox stand-in) and whose last stage is <c>FROM scratch</c>, so that arm64 needs no emulation, is built
/// for two platforms and pushed to a registry on 127.0.0.1; skopeo reads the index, each image's
/// configuration and its layer back, and the registry's log shows that a rerun writes nothing. The
/// conference app's frontend is built too, on the SDK stand-in and the runtime-deps stand-ins pushed to
/// the registry as one multi-platform image. Needs Docker with <c>/usr/bin/docker</c>, the stand-ins
/// (eng/images/build.sh), docker-registry and skopeo.
/// </summary>
public sealed class DockerfileBuildTaskTests : IAsyncLifetime
{
    private const string Epoch = "1767323045";

    private const string Pipeline = """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata:
          generateName: dockerfile-
        spec:
          pipelineSpec:
            tasks:
              - name: image
                taskRef: {apiVersion: sluice.dev/v1, kind: DockerfileBuild}
                params:
                  - {name: image, value: REGISTRY/team/web}
                  - {name: context, value: web}
                  - {name: build-args, value: [GREETING=hello]}
                  - {name: source-date-epoch, value: "EPOCH"}
                workspaces: [{name: source, workspace: source}]
            workspaces: [{name: source}]
          workspaces:
            - name: source
              persistentVolumeClaim: {claimName: source}
        """;

    /// <summary>The build stage writes a file naming the target platform; a platform named in FAIL_ON fails it.</summary>
    private const string Dockerfile = """
        FROM --platform=$BUILDPLATFORM sluice-standin/busybox:bookworm AS build
        ARG TARGETPLATFORM
        ARG GREETING
        ARG SOURCE_DATE_EPOCH
        ARG FAIL_ON=none
        RUN if [ "$TARGETPLATFORM" = "$FAIL_ON" ]; then echo "refusing $TARGETPLATFORM"; false; fi
        RUN mkdir /out && echo "$GREETING $TARGETPLATFORM $SOURCE_DATE_EPOCH" > /out/platform
        FROM scratch
        COPY --from=build /out/platform /platform
        LABEL org.opencontainers.image.version=1.2.3
        CMD ["/platform"]
        """;

    private readonly string _work = Directory.CreateTempSubdirectory("sluice-dockerfile-task-").FullName;
    private RegistryServer _registry = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string Home => Path.Combine(_work, "home");

    private string Source => Path.Combine(Home, "claims", "default", "source");

    public async ValueTask InitializeAsync()
    {
        _registry = await RegistryServer.StartAsync(_ => null, Cancel);
        Directory.CreateDirectory(Path.Combine(Source, "web"));
    }

    public async ValueTask DisposeAsync()
    {
        await _registry.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task A_Dockerfile_becomes_one_index_of_two_platforms_pushed_by_digest_and_a_rerun_writes_nothing()
    {
        await File.WriteAllTextAsync(Path.Combine(Source, "web", "Dockerfile"), Dockerfile, Cancel);
        await File.WriteAllTextAsync(Path.Combine(Source, "web", ".dockerignore"), "scratch/\n", Cancel);
        var file = await WriteAsync(Pipeline);

        var (code, output) = await SluiceProcess.RunAsync(Home, "run", "--network", "host", file);

        Assert.True(code == 0, output);
        Assert.Matches(@"\[linux/arm64\] #\d+ \[build", output);
        var digest = Regex.Match(output, $@"{_registry.Host}/team/web@(sha256:[0-9a-f]{{64}}): pushed").Groups[1].Value;
        Assert.True(digest.Length > 0, output);
        var index = JsonNode.Parse(await Skopeo.RawAsync($"{_registry.Host}/team/web@{digest}", Cancel))!;
        Assert.Equal("application/vnd.oci.image.index.v1+json", (string?)index["mediaType"]);
        var manifests = index["manifests"]!.AsArray();
        Assert.Equal(["linux/amd64", "linux/arm64"], manifests.Select(m => $"{m!["platform"]!["os"]}/{m["platform"]!["architecture"]}"));
        foreach (var entry in manifests)
        {
            var architecture = (string)entry!["platform"]!["architecture"]!;
            var image = $"{_registry.Host}/team/web@{entry["digest"]}";
            Assert.Equal("application/vnd.oci.image.manifest.v1+json", (string?)JsonNode.Parse(await Skopeo.RawAsync(image, Cancel))!["mediaType"]);
            var config = JsonNode.Parse(await Skopeo.RunAsync(Cancel, "inspect", "--tls-verify=false", "--config", $"docker://{image}"))!;
            Assert.Equal(architecture, (string?)config["architecture"]);
            Assert.Equal("2026-01-02T03:04:05Z", (string?)config["created"]);
            Assert.Equal("1.2.3", (string?)config["config"]!["Labels"]!["org.opencontainers.image.version"]);
            Assert.Null(config["config"]!["Labels"]![DockerfileBuildTask.RunLabel]);
            Assert.Equal($"hello linux/{architecture} {Epoch}\n", await FileOfLayerAsync(image, "platform"));
        }

        Assert.Equal(0, _registry.CountRequests("GET", "/v2/team/web/tags/"));
        Assert.Empty(await TemporaryImagesAsync());

        // What .dockerignore leaves out of the context is not an input either.
        Directory.CreateDirectory(Path.Combine(Source, "web", "scratch"));
        await File.WriteAllTextAsync(Path.Combine(Source, "web", "scratch", "build.log"), "not sent to Docker\n", Cancel);
        var writes = Writes();
        var (again, printedAgain) = await SluiceProcess.RunAsync(Home, "run", "--network", "host", file);
        Assert.True(again == 0, printedAgain);
        Assert.Contains($"{_registry.Host}/team/web@{digest}: up-to-date (the inputs of TaskRun", printedAgain, StringComparison.Ordinal);
        Assert.DoesNotContain("docker build --platform", printedAgain, StringComparison.Ordinal);
        Assert.Equal(writes, Writes());
        Assert.Empty(await TemporaryImagesAsync());

        // A changed file of the context is another input: Docker builds again.
        await File.AppendAllTextAsync(Path.Combine(Source, "web", "notes.txt"), "a file the image does not copy\n", Cancel);
        var (third, printedThird) = await SluiceProcess.RunAsync(Home, "run", "--network", "host", file);
        Assert.True(third == 0, printedThird);
        Assert.Contains("docker build --platform", printedThird, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_build_fails_with_BuildFailed_naming_the_platform_and_its_last_lines_pushes_nothing_and_leaves_no_image()
    {
        await File.WriteAllTextAsync(Path.Combine(Source, "web", "Dockerfile"), Dockerfile, Cancel);
        var yaml = Pipeline.Replace("[GREETING=hello]", "[GREETING=hello, FAIL_ON=linux/arm64]", StringComparison.Ordinal);

        var (code, output) = await SluiceProcess.RunAsync(Home, "run", "--network", "host", await WriteAsync(yaml));

        Assert.Equal(1, code);
        Assert.Contains("BuildFailed", output, StringComparison.Ordinal);
        Assert.Contains("docker build for linux/arm64 failed (exit code 1)", output, StringComparison.Ordinal);
        Assert.Contains("refusing linux/arm64", output, StringComparison.Ordinal);
        Assert.Equal(0, Writes());
        Assert.Empty(await TemporaryImagesAsync());
    }

    [Fact]
    public async Task The_conference_apps_frontend_builds_for_both_platforms_on_the_stand_ins()
    {
        CopyTree(Path.Combine(RepositoryPaths.Root, "examples", "conference-app", "frontend"), Path.Combine(Source, "frontend"));
        using var client = new RegistryClient();
        var runtimeDeps = await StandInImages.PushRuntimeDepsAsync(client, _registry.Host, Cancel);
        var yaml = Pipeline
            .Replace("team/web", "team/frontend", StringComparison.Ordinal)
            .Replace("{name: context, value: web}", "{name: context, value: frontend}", StringComparison.Ordinal)
            .Replace("[GREETING=hello]", $"[SDK_IMAGE=sluice-standin/dotnet-sdk:bookworm, RUNTIME_DEPS_IMAGE={runtimeDeps}]", StringComparison.Ordinal);

        using var run = SluiceProcess.Start(Home, "run", "--network", "host", await WriteAsync(yaml));
        await run.WaitForExitAsync(TimeSpan.FromMinutes(4));

        Assert.True(run.ExitCode == 0, run.Output);
        var digest = Regex.Match(run.Output, $@"{_registry.Host}/team/frontend@(sha256:[0-9a-f]{{64}}): pushed").Groups[1].Value;
        Assert.True(digest.Length > 0, run.Output);
        var manifests = JsonNode.Parse(await Skopeo.RawAsync($"{_registry.Host}/team/frontend@{digest}", Cancel))!["manifests"]!.AsArray();
        Assert.Equal(["amd64", "arm64"], manifests.Select(m => (string)m!["platform"]!["architecture"]!));
        foreach (var entry in manifests)
        {
            var config = JsonNode.Parse(await Skopeo.RunAsync(Cancel, "inspect", "--tls-verify=false", "--config", $"docker://{_registry.Host}/team/frontend@{entry!["digest"]}"))!;
            Assert.Equal((string)entry["platform"]!["architecture"]!, (string?)config["architecture"]);
            Assert.Equal("./Frontend", (string?)config["config"]!["Entrypoint"]!.AsArray().Single());
            Assert.NotNull(config["config"]!["ExposedPorts"]!["8080/tcp"]);
        }

        Assert.Empty(await TemporaryImagesAsync());
    }

    private async Task<string> WriteAsync(string yaml)
    {
        var file = Path.Combine(_work, "pipelinerun.yaml");
        await File.WriteAllTextAsync(file, yaml.Replace("REGISTRY", _registry.Host, StringComparison.Ordinal).Replace("EPOCH", Epoch, StringComparison.Ordinal), Cancel);
        return file;
    }

    private int Writes() =>
        _registry.CountRequests("PUT", "/v2/team/") + _registry.CountRequests("PATCH", "/v2/team/") + _registry.CountRequests("POST", "/v2/team/");

    /// <summary>A file of an image with one layer, copied out of the registry by skopeo.</summary>
    private async Task<string> FileOfLayerAsync(string image, string name)
    {
        var directory = Path.Combine(_work, "copy-" + Guid.NewGuid().ToString("N"));
        await Skopeo.RunAsync(Cancel, "copy", "--src-tls-verify=false", $"docker://{image}", $"dir:{directory}");
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "manifest.json"), Cancel))!;
        var layer = ((string)manifest["layers"]!.AsArray().Single()!["digest"]!)["sha256:".Length..];
        await using var gzip = new GZipStream(File.OpenRead(Path.Combine(directory, layer)), CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        while (await tar.GetNextEntryAsync(copyData: false, Cancel) is { } entry)
        {
            if (entry.Name.TrimStart('.', '/') == name && entry.DataStream is { } data)
            {
                using var reader = new StreamReader(data);
                return await reader.ReadToEndAsync(Cancel);
            }
        }

        throw new InvalidOperationException($"{image} has no {name}");
    }

    /// <summary>Copies a directory without what builds and test runs leave in it.</summary>
    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.EnumerateDirectories(from).Where(d => Path.GetFileName(d) is not ("bin" or "obj" or "TestResults")))
        {
            CopyTree(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }

    /// <summary>The images Docker still has with the task's label.</summary>
    private static async Task<string> TemporaryImagesAsync()
    {
        var output = await ProcessRunner.OutputAsync("/usr/bin/docker", ["images", "--all", "--quiet", "--filter", $"label={DockerfileBuildTask.RunLabel}"], TimeSpan.FromSeconds(30), Cancel);
        return output.Trim();
    }
}
