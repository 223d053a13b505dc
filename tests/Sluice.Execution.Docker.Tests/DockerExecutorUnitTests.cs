using System.Buffers.Binary;
using Sluice.Engine.Execution;
using Sluice.Execution.Docker.Pause;
using Sluice.Execution.Host;
using Mount = Sluice.Engine.Execution.Mount;

namespace Sluice.Execution.Docker.Tests;

/// <summary>What needs no daemon: endpoint rules, the pause program's bytes, the create request.</summary>
public sealed class DockerExecutorUnitTests : IDisposable
{
    private readonly string _stateRoot = Path.Combine(Path.GetTempPath(), "sluice-docker-unit", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_stateRoot))
        {
            Directory.Delete(_stateRoot, recursive: true);
        }
    }

    [Theory]
    [InlineData("tcp://build-host:2375")]
    [InlineData("ssh://me@build-host")]
    public void A_remote_docker_host_is_refused_with_the_reason(string endpoint)
    {
        var error = Assert.Throws<SandboxConfigurationException>(() =>
            new DockerExecutor(new DockerExecutorOptions { StateRoot = _stateRoot, OwnerId = "o", Endpoint = endpoint }));

        Assert.Contains(endpoint, error.Message, StringComparison.Ordinal);
        Assert.Contains("bind-mounts", error.Message, StringComparison.Ordinal);
        Assert.Contains("needs a Docker daemon on this machine", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unix:///var/run/docker.sock")]
    [InlineData("/run/user/1000/docker.sock")]
    public void A_local_socket_is_accepted(string endpoint) =>
        Assert.Equal("unix", DockerExecutor.LocalEndpoint(endpoint, _stateRoot).Scheme);

    [Fact]
    public async Task A_daemon_that_is_not_there_is_reported_with_its_address()
    {
        await using var executor = new DockerExecutor(new DockerExecutorOptions { StateRoot = _stateRoot, OwnerId = "o", Endpoint = "unix:///nonexistent/docker.sock" });

        var error = await Assert.ThrowsAsync<IOException>(async () =>
            await executor.ResolveImageAsync("busybox", ImagePullPolicy.IfNotPresent, TestContext.Current.CancellationToken));

        Assert.Contains("cannot reach the Docker daemon at unix:///nonexistent/docker.sock", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x86_64", 62)]
    [InlineData("aarch64", 183)]
    public void The_pause_program_is_a_static_elf_for_the_daemon_s_architecture(string architecture, int machine)
    {
        var elf = PauseProgram.For(architecture)!;

        Assert.Equal("\u007FELF"u8.ToArray(), elf[..4]);
        Assert.Equal(2, elf[4]);
        Assert.Equal(machine, BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(18)));
        var entry = BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(24));
        var loadAddress = BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(64 + 16));
        Assert.InRange(entry, loadAddress + 120, loadAddress + (ulong)elf.Length - 1);
        Assert.Equal((ulong)elf.Length, BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(64 + 32)));
        Assert.True(elf.Length < 1024, $"the program is {elf.Length} bytes");
        Assert.EndsWith(" HTTP/1.0\r\nHost: localhost\r\nUser-Agent: sluice-probe\r\n\r\n", System.Text.Encoding.ASCII.GetString(elf), StringComparison.Ordinal);
        Assert.Null(PauseProgram.For("s390x"));
    }

    [Fact]
    public void The_create_request_carries_the_argv_the_labels_and_tekton_s_container_rules()
    {
        var executor = new DockerExecutor(new DockerExecutorOptions { StateRoot = _stateRoot, OwnerId = "owner-1", Endpoint = "unix:///nowhere.sock" });
        var spec = new SandboxSpec
        {
            RunUid = "run-1",
            TaskRunUid = "tr-uid-1",
            TaskRunName = "build",
            ExtraHosts = ["registry.local:127.0.0.1"],
            Volumes = [new("ws", new EmptyDirSource()), new("cfg", new FilesSource([new SandboxFile("a", "x"u8.ToArray())]))],
        };
        var sandbox = new DockerSandbox(spec, new LocalVolumes(_stateRoot, "owner-1").Create(spec)) { NetworkMode = "container:holder" };
        var step = new ContainerSpec
        {
            Name = "step-compile",
            Image = new ResolvedImage { Reference = "busybox", ImageId = "sha256:abc" },
            Argv = ["/bin/sh", "-c", "make"],
            Env = [new("A", "1")],
            User = "1000:1000",
            CapDrop = ["NET_RAW"],
            MemoryBytes = 1 << 28,
            Mounts = [new Mount("ws", "/workspace"), new Mount("cfg", "/etc/cfg")],
        };

        var request = executor.ContainerParameters(sandbox, step, Labels.StepRole);

        Assert.Equal("sha256:abc", request.Image);
        Assert.Equal(["/bin/sh"], request.Entrypoint);
        Assert.Equal(["-c", "make"], request.Cmd);
        Assert.Equal(["A=1"], request.Env);
        Assert.Equal("1000:1000", request.User);
        Assert.False(request.Tty);
        Assert.Equal("none", request.HostConfig.LogConfig.Type);
        Assert.Equal("container:holder", request.HostConfig.NetworkMode);
        Assert.Null(request.HostConfig.ExtraHosts);
        Assert.Null(request.Hostname);
        Assert.Equal(1 << 28, request.HostConfig.Memory);
        Assert.Equal(["NET_RAW"], request.HostConfig.CapDrop);
        Assert.Equal("run-1", request.Labels[Labels.RunUid]);
        Assert.Equal("tr-uid-1", request.Labels[Labels.TaskRunUid]);
        Assert.Equal("owner-1", request.Labels[Labels.Owner]);
        Assert.Matches("^sluice-build-step-compile-[0-9a-f]{6}$", request.Name);
        Assert.Equal([false, true], request.HostConfig.Mounts.Select(m => m.ReadOnly));
        Assert.All(request.HostConfig.Mounts, m => Assert.Equal("bind", m.Type));
    }

    [Fact]
    public void Container_names_keep_only_the_characters_docker_allows() =>
        Assert.Matches("^sluice-my_run-step-a_b-[0-9a-f]{6}$", DockerExecutor.ContainerName("my run", "step-a/b"));

    [Theory]
    [InlineData("2026-11-26T08:28:00.997524357Z", "2026-11-26T08:28:00.9975243+00:00")]
    [InlineData("2026-11-26T08:28:00Z", "2026-11-26T08:28:00.0000000+00:00")]
    [InlineData("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.0000000+00:00")]
    public void Docker_times_with_nanoseconds_parse(string text, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), DockerContainerProcess.ParseTime(text));
}
