using System.Security.Cryptography;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Sluice.Engine.Execution;
using Sluice.Execution.Host;
using ContainerSpec = Sluice.Engine.Execution.ContainerSpec;
using DockerMount = Docker.DotNet.Models.Mount;

namespace Sluice.Execution.Docker;

public sealed partial class DockerExecutor
{
    private const UnixFileMode WorldWritable = (UnixFileMode)0x1FF;

    /// <inheritdoc />
    public async ValueTask<IStepProcess> CreateStepAsync(ITaskRunSandbox sandbox, ContainerSpec step, CancellationToken cancellationToken)
    {
        var docker = Own(sandbox);
        if (docker.Destroyed)
        {
            throw new InvalidOperationException($"sandbox {docker.Id} was destroyed; no step can be created in it.");
        }

        return await CreateProcessAsync(docker, step, Labels.StepRole, cancellationToken).ConfigureAwait(false);
    }

    private static DockerSandbox Own(ITaskRunSandbox sandbox) =>
        sandbox as DockerSandbox ?? throw new ArgumentException($"sandbox {sandbox.Id} was not made by the Docker executor", nameof(sandbox));

    private async Task<DockerContainerProcess> CreateProcessAsync(DockerSandbox sandbox, ContainerSpec spec, string role, CancellationToken cancellationToken)
    {
        var parameters = ContainerParameters(sandbox, spec, role);
        string id;
        try
        {
            id = (await _client.Containers.CreateContainerAsync(parameters, cancellationToken).ConfigureAwait(false)).ID;
        }
        catch (DockerApiException e) when (e.StatusCode is System.Net.HttpStatusCode.BadRequest or System.Net.HttpStatusCode.NotFound)
        {
            throw new SandboxConfigurationException($"Docker refused to create the container of {spec.Name}: {DaemonMessage(e)}", e);
        }

        sandbox.Track(id);
        if (!spec.Files.IsEmpty)
        {
            await PlaceFilesAsync(id, spec, cancellationToken).ConfigureAwait(false);
        }

        return new DockerContainerProcess(
            _client,
            id,
            spec.Name,
            sidecar: role == Labels.SidecarRole,
            containerId => sandbox.TrackRemoval(containerId, () => RemoveContainerAsync(containerId, CancellationToken.None)),
            _time);
    }

    /// <summary>The create request of a step or sidecar: the engine's argv as entrypoint and cmd, Tekton's container rules.</summary>
    internal CreateContainerParameters ContainerParameters(DockerSandbox sandbox, ContainerSpec spec, string role)
    {
        var image = spec.Image.ImageId.Length > 0 ? spec.Image.ImageId : spec.Image.Reference;
        if (image.Length == 0)
        {
            throw new SandboxConfigurationException($"{spec.Name} has no resolved image.");
        }

        var ownNetwork = !sandbox.NetworkMode.StartsWith("container:", StringComparison.Ordinal);
        return new CreateContainerParameters
        {
            Name = ContainerName(sandbox.Spec.TaskRunName, spec.Name),
            Image = image,

            // With an entrypoint given, the daemon takes nothing from the image's: the argv is complete as the engine made it.
            Entrypoint = spec.Argv.IsEmpty ? null : [spec.Argv[0]],
            Cmd = spec.Argv.IsEmpty ? null : [.. spec.Argv.Skip(1)],
            Env = [.. spec.Env.Select(e => $"{e.Key}={e.Value}")],
            WorkingDir = spec.WorkingDir,
            User = spec.User,
            Labels = ContainerLabels(sandbox.Spec, role, spec.Name),
            Hostname = ownNetwork && sandbox.NetworkMode != "host" ? Truncate(sandbox.Id, 63) : null,
            AttachStdout = true,
            AttachStderr = true,
            Tty = false,
            OpenStdin = false,
            HostConfig = new HostConfig
            {
                NetworkMode = sandbox.NetworkMode,
                ExtraHosts = ownNetwork && !sandbox.Spec.ExtraHosts.IsEmpty ? [.. sandbox.Spec.ExtraHosts] : null,
                LogConfig = new LogConfig { Type = "none" },
                Privileged = spec.Privileged,
                CapAdd = spec.CapAdd.IsEmpty ? null : [.. spec.CapAdd],
                CapDrop = spec.CapDrop.IsEmpty ? null : [.. spec.CapDrop],
                ReadonlyRootfs = spec.ReadOnlyRootFilesystem,
                NanoCPUs = spec.NanoCpus ?? 0,
                Memory = spec.MemoryBytes ?? 0,

                // No swap beyond the limit, as on Kubernetes: over it the step is OOM-killed.
                MemorySwap = spec.MemoryBytes ?? 0,
                Mounts = Mounts(sandbox, spec),
            },
        };
    }

    internal Dictionary<string, string> ContainerLabels(SandboxSpec spec, string role, string name) => new(StringComparer.Ordinal)
    {
        [Labels.RunUid] = spec.RunUid,
        [Labels.TaskRunUid] = spec.TaskRunUid,
        [Labels.Owner] = _options.OwnerId,
        [Labels.Role] = role,
        [Labels.Container] = name,
    };

    /// <summary><c>sluice-&lt;taskrun&gt;-&lt;container&gt;-&lt;random&gt;</c>, in the characters Docker allows.</summary>
    internal static string ContainerName(string taskRunName, string containerName)
    {
        var builder = new StringBuilder("sluice-");
        foreach (var c in $"{Truncate(taskRunName, 100)}-{Truncate(containerName, 80)}")
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        builder.Append('-').Append(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3)));
        return builder.ToString();
    }

    private static string Truncate(string text, int length) => text.Length > length ? text[..length] : text;

    /// <summary>
    /// Bind mounts in the engine's order (the daemon mounts parents before children). A sub-path is created
    /// when missing, as the kubelet does, and a mount point missing inside an earlier mount is created in
    /// that mount's directory, since the runtime cannot create it in a read-only parent.
    /// </summary>
    private static List<DockerMount> Mounts(DockerSandbox sandbox, ContainerSpec spec)
    {
        var mounts = new List<DockerMount>(spec.Mounts.Length);
        foreach (var mount in spec.Mounts)
        {
            if (!sandbox.Directories.Volumes.TryGetValue(mount.Volume, out var root))
            {
                throw new SandboxConfigurationException($"{spec.Name} mounts volume \"{mount.Volume}\", which the TaskRun does not have.");
            }

            var source = root;
            if (!string.IsNullOrEmpty(mount.SubPath))
            {
                try
                {
                    source = LocalVolumes.Resolve(root, mount.SubPath);
                }
                catch (ArgumentException e)
                {
                    throw new SandboxConfigurationException($"{spec.Name} mounts volume \"{mount.Volume}\" with subPath \"{mount.SubPath}\": {e.Message}", e);
                }

                if (LocalVolumes.PassesThroughLink(root, source))
                {
                    throw new SandboxConfigurationException($"{spec.Name} mounts volume \"{mount.Volume}\" with subPath \"{mount.SubPath}\", which passes through a symbolic link.");
                }

                if (!File.Exists(source) && !Directory.Exists(source))
                {
                    LocalVolumes.CreateParents(root, source, WorldWritable);
                    LocalVolumes.CreateWorldWritable(source);
                }
            }

            CreateMountPoint(mounts, mount.ContainerPath, Directory.Exists(source));
            mounts.Add(new DockerMount
            {
                Type = "bind",
                Source = source,
                Target = mount.ContainerPath,
                ReadOnly = mount.ReadOnly || sandbox.Directories.ReadOnlyVolumes.Contains(mount.Volume),
            });
        }

        return mounts;
    }

    private static void CreateMountPoint(List<DockerMount> earlier, string target, bool directory)
    {
        var parent = earlier
            .Where(m => target.StartsWith(m.Target.TrimEnd('/') + "/", StringComparison.Ordinal) && Directory.Exists(m.Source))
            .MaxBy(m => m.Target.Length);
        if (parent is null)
        {
            return;
        }

        var inside = LocalVolumes.Resolve(parent.Source, target[(parent.Target.TrimEnd('/').Length + 1)..]);
        if (File.Exists(inside) || Directory.Exists(inside) || LocalVolumes.PassesThroughLink(parent.Source, inside))
        {
            return;
        }

        LocalVolumes.CreateParents(parent.Source, inside, WorldWritable);
        if (directory)
        {
            LocalVolumes.CreateWorldWritable(inside);
        }
        else
        {
            File.WriteAllBytes(inside, []);
        }
    }
}
