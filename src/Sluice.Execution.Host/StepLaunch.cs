using System.Collections.Immutable;
using Sluice.Engine.Execution;

namespace Sluice.Execution.Host;

/// <summary>Everything decided about starting one container as a host process, ready to spawn.</summary>
/// <param name="Name">The container's name.</param>
/// <param name="Program">The program to execute (bwrap, or the step's own program without it).</param>
/// <param name="Argv">The full argv, <c>argv[0]</c> included.</param>
/// <param name="Env">The environment as <c>NAME=value</c>.</param>
/// <param name="WorkingDirectory">The directory to start in when no bwrap sets it, else null.</param>
/// <param name="Mounts">Host sides of the mounts, checked and created just before the start.</param>
/// <param name="Namespace">The shared network namespace to start in, or null.</param>
internal sealed record StepLaunch(
    string Name,
    string Program,
    ImmutableArray<string> Argv,
    ImmutableArray<string> Env,
    string? WorkingDirectory,
    ImmutableArray<MountSource> Mounts,
    NetworkNamespace? Namespace)
{
    /// <summary>
    /// Creates missing SubPath directories and nested mount points on the host side (as Docker does
    /// in a bind source), refusing sources a step turned into symbolic links since the step was created.
    /// </summary>
    public void PrepareMounts()
    {
        foreach (var mount in Mounts)
        {
            if (mount.HostPath != mount.VolumeRoot && Look(mount.VolumeRoot, mount.HostPath, mount.ContainerPath) is VolumePaths.Found.Missing or VolumePaths.Found.NoParent)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(mount.HostPath)!);
                LocalVolumes.CreateWorldWritable(mount.HostPath);
            }

            // A SubPath mounted where the enclosing mount shows it anyway needs no second look.
            if (mount.MountPoint is { } point && point.HostPath != mount.HostPath && Look(point.VolumeRoot, point.HostPath, mount.ContainerPath) is VolumePaths.Found.Missing or VolumePaths.Found.NoParent)
            {
                if (Directory.Exists(mount.HostPath))
                {
                    Directory.CreateDirectory(point.HostPath);
                }
                else
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(point.HostPath)!);
                    File.Create(point.HostPath).Dispose();
                }
            }
        }
    }

    /// <summary>Starts the process, on the shared network namespace's thread when there is one.</summary>
    public ValueTask<Child> SpawnAsync(Action<int> exited)
    {
        if (Namespace is null)
        {
            return ValueTask.FromResult(ChildProcesses.Spawn(Program, Argv, Env, WorkingDirectory, exited));
        }

        var (program, argv, env, directory) = (Program, Argv, Env, WorkingDirectory);
        return new(Namespace.Thread.RunAsync(() => ChildProcesses.Spawn(program, argv, env, directory, exited)));
    }

    private static VolumePaths.Found Look(string root, string path, string containerPath)
    {
        var found = VolumePaths.Probe(root, path);
        return found == VolumePaths.Found.Link
            ? throw new SandboxConfigurationException($"the mount at {containerPath} passes through a symbolic link in its volume; refusing to follow it")
            : found;
    }
}

/// <summary>The host side of a mount.</summary>
/// <param name="ContainerPath">Where the step sees it.</param>
/// <param name="VolumeRoot">The volume's host directory.</param>
/// <param name="HostPath">The directory (or file) bound: the volume's, or its SubPath.</param>
/// <param name="MountPoint">Where the mount point lies in an enclosing mount's source, for nested mounts.</param>
internal sealed record MountSource(string ContainerPath, string VolumeRoot, string HostPath, MountPoint? MountPoint);

/// <summary>A nested mount's mount point inside the enclosing mount's host directory.</summary>
/// <param name="VolumeRoot">The enclosing volume's host directory.</param>
/// <param name="HostPath">The mount point's host path.</param>
internal sealed record MountPoint(string VolumeRoot, string HostPath);
