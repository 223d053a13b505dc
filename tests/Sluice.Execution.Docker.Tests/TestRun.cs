using System.Collections.Immutable;
using System.Text;
using Docker.DotNet.Models;
using Sluice.Engine.Execution;
using Sluice.Engine.Images;
using ContainerSpec = Sluice.Engine.Execution.ContainerSpec;

namespace Sluice.Execution.Docker.Tests;

/// <summary>One test's executor, state root and run uid; reaps whatever the test left.</summary>
public sealed class TestRun : IAsyncDisposable
{
    private readonly DockerFixture _fixture;

    public TestRun(DockerFixture fixture, ImageMirrorMap? mirrors = null, TimeSpan? sidecarReadyTimeout = null, string? pauseRepository = null)
    {
        _fixture = fixture;
        StateRoot = Path.Combine(Path.GetTempPath(), "sluice-docker-tests", Guid.NewGuid().ToString("N"));
        RunUid = Guid.NewGuid().ToString();
        Options = new DockerExecutorOptions
        {
            StateRoot = StateRoot,
            OwnerId = $"test-host/{Environment.ProcessId}/{RunUid[..8]}",
            ImageMirrors = mirrors ?? ImageMirrorMap.Empty,
            SidecarReadyTimeout = sidecarReadyTimeout ?? TimeSpan.FromSeconds(30),
        };
        Executor = pauseRepository is null ? new DockerExecutor(Options) : new DockerExecutor(Options) { PauseRepository = pauseRepository };
    }

    public string StateRoot { get; }

    public string RunUid { get; }

    public DockerExecutorOptions Options { get; }

    public DockerExecutor Executor { get; }

    public ResolvedImage Busybox => new()
    {
        Requested = DockerFixture.BusyboxImage,
        Reference = DockerFixture.BusyboxImage,
        ImageId = _fixture.BusyboxImageId,
        Cmd = ["sh"],
    };

    public SandboxSpec Sandbox(NetworkMode network = NetworkMode.None, int steps = 1, ImmutableArray<SandboxVolume> volumes = default, ImmutableArray<SidecarSpec> sidecars = default) => new()
    {
        RunUid = RunUid,
        TaskRunUid = Guid.NewGuid().ToString(),
        TaskRunName = "tr-" + RunUid[..6],
        Network = network,
        StepCount = steps,
        Volumes = volumes.IsDefault ? [] : volumes,
        Sidecars = sidecars.IsDefault ? [] : sidecars,
    };

    public ContainerSpec Step(string name, params string[] argv) => new()
    {
        Name = "step-" + name,
        Image = Busybox,
        Argv = [.. argv],
    };

    public ContainerSpec Script(string name, string script) => Step(name, "sh", "-c", script);

    /// <summary>Starts a created step, reads all its output while it runs, and waits for it.</summary>
    public static async Task<StepResult> RunAsync(IStepProcess process, CancellationToken cancellationToken = default)
    {
        await process.StartAsync(cancellationToken);
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        await foreach (var chunk in process.TailAsync(cancellationToken))
        {
            (chunk.Stream == OutputStream.Stdout ? stdout : stderr).Write(chunk.Data.Span);
        }

        var exit = await process.WaitAsync(cancellationToken);
        return new StepResult(exit, Encoding.UTF8.GetString(stdout.ToArray()), Encoding.UTF8.GetString(stderr.ToArray()));
    }

    public async Task<StepResult> RunAsync(ITaskRunSandbox sandbox, ContainerSpec step, CancellationToken cancellationToken = default)
    {
        await using var process = await Executor.CreateStepAsync(sandbox, step, cancellationToken);
        return await RunAsync(process, cancellationToken);
    }

    /// <summary>The run's containers as Docker lists them, whatever the executor recorded.</summary>
    public async Task<IList<ContainerListResponse>> ContainersAsync() =>
        await _fixture.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{Labels.RunUid}={RunUid}"] = true },
            },
        });

    public async ValueTask DisposeAsync()
    {
        await Executor.ReapAsync(RunUid, CancellationToken.None);
        await Executor.DisposeAsync();
        if (Directory.Exists(StateRoot))
        {
            Directory.Delete(StateRoot, recursive: true);
        }
    }
}

public sealed record StepResult(ProcessExit Exit, string Stdout, string Stderr);
