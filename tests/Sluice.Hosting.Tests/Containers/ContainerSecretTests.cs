using System.Security.Cryptography;
using System.Text;
using Sluice.Engine.Caching;
using Sluice.Sdk.Containers;
using Sluice.Store.Caching;
using Sluice.Testing;

namespace Sluice.Hosting.Tests.Containers;

/// <summary>
/// Secrets on a real daemon, checked from outside the engine: <c>grep</c> over the state directory and
/// over <c>docker save</c> of every snapshot image the run kept, Docker's event stream for what a
/// rotated value ran. The program prints the secret (as an environment variable, as a mounted file and
/// in base64) and writes only its SHA-256 into the snapshot.
/// </summary>
[Collection(ContainerCollection.Name)]
public sealed class ContainerSecretTests : IAsyncLifetime
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(2);

    private readonly ContainerFixture _fixture;
    private readonly string _home = Path.Combine(Path.GetTempPath(), "sluice-container-tests", Guid.NewGuid().ToString("N"));
    private readonly string _saved = Directory.CreateTempSubdirectory("sluice-secret-save-").FullName;
    private readonly string _value = "sluice-secret-" + Guid.NewGuid().ToString("N");

    public ContainerSecretTests(ContainerFixture fixture) => _fixture = fixture;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string Base64 => Convert.ToBase64String(Encoding.UTF8.GetBytes(_value));

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (Directory.Exists(_home))
        {
            await _fixture.PruneAsync(_home, new CachePrunePolicy { MaxSize = 0 });
            Directory.Delete(_home, recursive: true);
        }

        Directory.Delete(_saved, recursive: true);
    }

    [Fact]
    public async Task A_secret_is_masked_in_output_and_is_in_neither_the_state_directory_nor_any_snapshot_image()
    {
        ContainerSnapshot[] snapshots;
        await using (var client = await _fixture.ConnectAsync(_home, noCache: false, ownsHome: false))
        {
            snapshots = await EvaluateAsync(client.Client, _value);
        }

        var (secretExec, after) = (snapshots[0].LastExec!, snapshots[1].LastExec!);
        Assert.Equal($"env=***\nfile=***\nbase64=***\n", secretExec.Stdout);
        Assert.Equal("err=***\n", secretExec.Stderr);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(_value))) + "\n", after.Stdout);

        // The hash file is what the program wrote on purpose; the value and its base64 must be nowhere.
        Assert.Empty(await GrepAsync(_home));
        var images = (await _fixture.CacheEntriesAsync(_home))
            .Select(e => e.Result.Results[CacheSnapshot.IdResult])
            .Concat(snapshots.Select(s => s.SnapshotId))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(2, images.Length);
        var archive = Path.Combine(_saved, "images.tar");
        await RunAsync("/usr/bin/docker", ["save", "-o", archive, .. images]);
        var extracted = Directory.CreateDirectory(Path.Combine(_saved, "extracted")).FullName;
        await RunAsync("tar", ["-x", "-f", archive, "-C", extracted]);
        File.Delete(archive);
        Assert.NotEmpty(Directory.EnumerateFiles(extracted, "layer.tar", SearchOption.AllDirectories));
        Assert.Empty(await GrepAsync(extracted));

        // The directories Sluice mounts secret files from, outside the state directory, are gone too.
        foreach (var left in Directory.Exists("/dev/shm") ? Directory.EnumerateDirectories("/dev/shm", "sluice-secrets-*") : [])
        {
            Assert.Empty(await GrepAsync(left));
        }
    }

    [Fact]
    public async Task A_rotated_value_under_the_same_name_is_a_cache_hit_that_creates_no_container()
    {
        ContainerSnapshot[] first;
        await using (var cold = await _fixture.ConnectAsync(_home, noCache: false, ownsHome: false))
        {
            var started = TimeProvider.System.GetUtcNow();
            first = await EvaluateAsync(cold.Client, _value);
            Assert.Equal(2, await cold.ContainersCreatedAsync(started, "exec"));
        }

        await using var warm = await _fixture.ConnectAsync(_home, noCache: false, ownsHome: false);
        var restarted = TimeProvider.System.GetUtcNow();
        var second = await EvaluateAsync(warm.Client, "rotated-" + _value);

        Assert.Equal(0, await warm.ContainersCreatedAsync(restarted));
        Assert.Equal(first.Select(s => (s.SnapshotId, s.LastExec!.Stdout)), second.Select(s => (s.SnapshotId, s.LastExec!.Stdout)));
    }

    [Fact]
    public async Task Without_the_cache_the_secret_reaches_the_exec_and_the_image_configuration_does_not_hold_it()
    {
        await using var client = await _fixture.ConnectAsync(_home, noCache: true, ownsHome: false);
        var secret = client.Client.SetSecret("token", _value);
        var container = await client.Client.Container().From("busybox")
            .WithEnvVariable("PLAIN", "visible")
            .WithSecretVariable("TOKEN", secret)
            .WithExec(["sh", "-c", "test \"$TOKEN\" = \"" + _value + "\" && echo same"])
            .SyncAsync(Cancel);
        var snapshot = await client.Client.Engine.EvaluateAsync(container.Op, Cancel);

        Assert.Equal("same\n", snapshot.LastExec!.Stdout);
        var image = await _fixture.Docker.Images.InspectImageAsync(snapshot.SnapshotId, Cancel);
        Assert.Contains("PLAIN=visible", image.Config.Env);
        Assert.DoesNotContain(image.Config.Env.Concat(image.ContainerConfig?.Env ?? []), e => e.Contains(_value, StringComparison.Ordinal) || e.StartsWith("TOKEN=", StringComparison.Ordinal));
        Assert.Equal(["sh"], image.Config.Entrypoint);
        Assert.Equal("-c", image.Config.Cmd[0]);
    }

    /// <summary>An exec that prints the secret three ways and writes its hash, then an exec that prints the hash.</summary>
    private static async Task<ContainerSnapshot[]> EvaluateAsync(SluiceClient client, string value)
    {
        var secret = client.SetSecret("token", value);
        var used = client.Container().From("busybox")
            .WithSecretVariable("TOKEN", secret)
            .WithMountedSecret("/run/secrets/token", secret)
            .WithExec(["sh", "-c", """
                echo "env=$TOKEN"
                echo "file=$(cat /run/secrets/token)"
                echo "base64=$(printf %s "$TOKEN" | base64)"
                echo "err=$TOKEN" >&2
                printf %s "$(cat /run/secrets/token)" | sha256sum | cut -d ' ' -f 1 > /token.sha256
                """]);
        var after = used.WithExec(["cat", "/token.sha256"]);
        return await Task.WhenAll(client.Engine.EvaluateAsync(used.Op, Cancel), client.Engine.EvaluateAsync(after.Op, Cancel));
    }

    /// <summary>The files under a directory that hold the value or its base64, as <c>grep</c> finds them.</summary>
    private async Task<string> GrepAsync(string directory)
    {
        var (code, output) = await RunAsync("grep", ["-r", "-l", "-a", "-F", "-e", _value, "-e", Base64, directory], allowedExitCodes: [0, 1]);
        return code == 0 ? output : string.Empty;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, IEnumerable<string> args, int[]? allowedExitCodes = null)
    {
        var result = await ProcessRunner.RunAsync(program, args, ToolTimeout, Cancel);
        Assert.True((allowedExitCodes ?? [0]).Contains(result.ExitCode), $"{program} exited with {result.ExitCode}: {result.Stderr}");
        return (result.ExitCode, result.Stdout);
    }
}
