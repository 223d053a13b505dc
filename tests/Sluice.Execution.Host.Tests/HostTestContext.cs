using System.Collections.Immutable;
using System.Text;
using Sluice.Engine.Execution;

namespace Sluice.Execution.Host.Tests;

/// <summary>A state root in a temporary directory and a host executor over it, removed at the end.</summary>
internal sealed class HostTestContext : IAsyncDisposable
{
    private HostTestContext(string stateRoot, HostExecutor executor, string owner)
    {
        StateRoot = stateRoot;
        Executor = executor;
        Owner = owner;
    }

    public string StateRoot { get; }

    public HostExecutor Executor { get; }

    public string Owner { get; }

    public LocalVolumes Volumes => new(StateRoot, Owner);

    /// <summary>A context whose executor must have bubblewrap; fails (never skips) when it is missing.</summary>
    public static HostTestContext WithBubblewrap()
    {
        var context = Create();
        if (!context.Executor.HasBubblewrap)
        {
            Assert.Fail("This test needs bubblewrap (bwrap) on PATH: apt-get install -y bubblewrap");
        }

        return context;
    }

    public static HostTestContext Create(string? bubblewrapPath = null, string? stateRoot = null, string owner = "test-owner")
    {
        var root = stateRoot ?? Path.Combine(Path.GetTempPath(), "sluice-host-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var executor = new HostExecutor(new HostExecutorOptions { StateRoot = root, OwnerId = owner, BubblewrapPath = bubblewrapPath });
        return new HostTestContext(root, executor, owner);
    }

    /// <summary>Fails when the test process cannot switch users or create namespaces.</summary>
    public static void RequireRoot()
    {
        if (Environment.UserName != "root")
        {
            Assert.Fail("This test needs to run as root (switching users and network namespaces need it)");
        }
    }

    /// <summary>A TaskRun's sandbox spec with Tekton's per-TaskRun volumes plus <paramref name="extra"/>.</summary>
    public static SandboxSpec Spec(NetworkMode network = NetworkMode.Host, params SandboxVolume[] extra) => new()
    {
        RunUid = "run-" + Guid.NewGuid().ToString("N")[..12],
        TaskRunUid = Guid.NewGuid().ToString("N"),
        TaskRunName = "build",
        Network = network,
        Volumes =
        [
            new SandboxVolume("workspace", new EmptyDirSource()),
            new SandboxVolume("home", new EmptyDirSource()),
            new SandboxVolume("results", new EmptyDirSource()),
            new SandboxVolume("steps", new EmptyDirSource()),
            .. extra,
        ],
    };

    /// <summary>The mounts every Tekton step has.</summary>
    public static ImmutableArray<Mount> TektonMounts { get; } =
    [
        new Mount("workspace", "/workspace"),
        new Mount("home", "/tekton/home"),
        new Mount("results", "/tekton/results"),
        new Mount("steps", "/tekton/steps"),
    ];

    /// <summary>A step running a shell script with Tekton's mounts.</summary>
    public static ContainerSpec Script(string name, string script, params KeyValuePair<string, string>[] env) => new()
    {
        Name = "step-" + name,
        Argv = ["/bin/sh", "-c", script],
        Env = [.. env],
        Mounts = TektonMounts,
    };

    /// <summary>Creates, starts, tails and waits for a step.</summary>
    public async Task<StepResult> RunAsync(ITaskRunSandbox sandbox, ContainerSpec step)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var process = await Executor.CreateStepAsync(sandbox, step, cancellationToken);
        await process.StartAsync(cancellationToken);
        var (stdout, stderr) = await CollectAsync(process);
        var exit = await process.WaitAsync(cancellationToken);
        return new StepResult(exit.ExitCode, stdout, stderr);
    }

    /// <summary>Reads a process's output to its end.</summary>
    public static async Task<(string Stdout, string Stderr)> CollectAsync(IStepProcess process)
    {
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        await foreach (var chunk in process.TailAsync(TestContext.Current.CancellationToken))
        {
            (chunk.Stream == OutputStream.Stdout ? stdout : stderr).Write(chunk.Data.Span);
        }

        return (Encoding.UTF8.GetString(stdout.ToArray()), Encoding.UTF8.GetString(stderr.ToArray()));
    }

    public async ValueTask DisposeAsync()
    {
        await Executor.DisposeAsync();
        if (Directory.Exists(StateRoot))
        {
            Directory.Delete(StateRoot, recursive: true);
        }
    }
}

/// <summary>How a step ended and what it printed.</summary>
internal sealed record StepResult(int ExitCode, string Stdout, string Stderr);
