using Docker.DotNet;
using Docker.DotNet.Models;
using Sluice.Engine.Execution;
using Sluice.Execution.Docker.Pause;
using DockerMount = Docker.DotNet.Models.Mount;

namespace Sluice.Execution.Docker;

/// <summary>
/// Secrets of snapshot execs. <c>docker commit</c> writes the container's configuration into the image
/// (its <c>config</c> and, on older daemons, <c>container_config</c>), environment included, so a secret
/// variable may not be in it: such an exec's container runs the namespace holder program, the exec runs
/// beside it through Docker exec with the secret variables in the exec's own environment, and the commit
/// is given the configuration the plain path would have produced. Secret files are bind-mounted
/// read-only from a private directory in memory (<c>/dev/shm</c> when there is one), removed when the
/// exec ends; the daemon commits no mounted contents.
/// </summary>
public sealed partial class DockerExecutor
{
    /// <summary>Where the holder program is mounted: inside the container's <c>/dev</c> tmpfs, so no mount point lands in the snapshot.</summary>
    private const string HolderPath = "/dev/.sluice-holder";

    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode ReadOnlyFile = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode ReadOnlyProgram = ReadOnlyFile | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private static readonly TimeSpan ExecExitTimeout = TimeSpan.FromSeconds(30);

    private byte[]? _holderProgram;

    /// <summary>A private directory holding one exec's secret files (and the holder program), deleted on dispose.</summary>
    private sealed class SecretDirectory : IDisposable
    {
        private SecretDirectory(string path) => Path = path;

        public string Path { get; }

        public List<DockerMount> Mounts { get; } = [];

        public static SecretDirectory Create()
        {
            var root = Directory.Exists("/dev/shm") ? "/dev/shm" : System.IO.Path.GetTempPath();
            var path = System.IO.Path.Combine(root, "sluice-secrets-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(path, PrivateDirectory);
            return new SecretDirectory(path);
        }

        public void Mount(string name, ReadOnlySpan<byte> content, string target, UnixFileMode mode)
        {
            var source = System.IO.Path.Combine(Path, name);
            using (var file = new FileStream(source, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode }))
            {
                file.Write(content);
            }

            Mounts.Add(new DockerMount { Type = "bind", Source = source, Target = target, ReadOnly = true });
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }

    private async Task<byte[]> HolderProgramAsync(CancellationToken cancellationToken)
    {
        if (_holderProgram is { } known)
        {
            return known;
        }

        var system = await _client.System.GetSystemInfoAsync(cancellationToken).ConfigureAwait(false);
        return _holderProgram = PauseProgram.For(system.Architecture)
            ?? throw new SandboxConfigurationException($"the Docker daemon runs on {system.Architecture}; secret variables need Sluice's holder program, which exists for x86_64 and aarch64 only.");
    }

    /// <summary>Runs an exec with secret variables beside the holder program, then commits what it left with the plain path's configuration.</summary>
    private async Task<SnapshotExecResult> ExecBesideHolderAsync(SnapshotExec spec, CreateContainerParameters parameters, SecretDirectory secrets, CancellationToken cancellationToken)
    {
        secrets.Mount("holder", await HolderProgramAsync(cancellationToken).ConfigureAwait(false), HolderPath, ReadOnlyProgram);
        parameters.HostConfig.Mounts = [.. parameters.HostConfig.Mounts, secrets.Mounts[^1]];
        parameters.Entrypoint = [HolderPath];
        parameters.Cmd = [];
        parameters.AttachStdout = false;
        parameters.AttachStderr = false;

        var id = await CreateSnapshotContainerAsync(parameters, cancellationToken).ConfigureAwait(false);
        try
        {
            await _client.Containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken).ConfigureAwait(false);
            var exec = await _client.Exec.ExecCreateContainerAsync(
                id,
                new ContainerExecCreateParameters
                {
                    Cmd = [.. spec.Argv],
                    Env = [.. spec.Env.Concat(spec.SecretEnv).Select(e => $"{e.Key}={e.Value}")],
                    WorkingDir = spec.WorkingDir,
                    AttachStdout = true,
                    AttachStderr = true,
                },
                cancellationToken).ConfigureAwait(false);

            using var stdout = new MemoryStream();
            using var stderr = new MemoryStream();
            using (var stream = await _client.Exec.StartAndAttachContainerExecAsync(exec.ID, false, cancellationToken).ConfigureAwait(false))
            {
                var buffer = new byte[81920];
                while (await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false) is { EOF: false } read)
                {
                    (read.Target == MultiplexedStream.TargetStream.StandardError ? stderr : stdout).Write(buffer, 0, read.Count);
                }
            }

            var exitCode = await ExecExitCodeAsync(exec.ID, cancellationToken).ConfigureAwait(false);
            await _client.Containers.KillContainerAsync(id, new ContainerKillParameters { Signal = "KILL" }, cancellationToken).ConfigureAwait(false);
            await _client.Containers.WaitContainerAsync(id, cancellationToken).ConfigureAwait(false);
            var image = string.Empty;
            if (exitCode == 0)
            {
                var config = (await _client.Containers.InspectContainerAsync(id, cancellationToken).ConfigureAwait(false)).Config;
                config.Entrypoint = [spec.Argv[0]];
                config.Cmd = [.. spec.Argv.Skip(1)];
                image = (await _client.Images.CommitContainerChangesAsync(new CommitContainerChangesParameters { ContainerID = id, Config = config }, cancellationToken).ConfigureAwait(false)).ID;
            }

            return new SnapshotExecResult(exitCode, image, stdout.ToArray(), stderr.ToArray());
        }
        finally
        {
            await RemoveContainerAsync(id, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The exit code of an exec whose output ended; the daemon may mark it ended a moment after.</summary>
    private async Task<int> ExecExitCodeAsync(string execId, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + ExecExitTimeout;
        while (true)
        {
            var state = await _client.Exec.InspectContainerExecAsync(execId, cancellationToken).ConfigureAwait(false);
            if (!state.Running)
            {
                return (int)state.ExitCode;
            }

            if (_time.GetUtcNow() > deadline)
            {
                throw new TimeoutException($"the exec {execId} closed its output but was still running {ExecExitTimeout.TotalSeconds:0} s later.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), _time, cancellationToken).ConfigureAwait(false);
        }
    }
}
