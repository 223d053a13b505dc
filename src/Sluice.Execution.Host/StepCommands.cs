using System.Collections.Immutable;
using System.Globalization;
using Sluice.Engine.Execution;

namespace Sluice.Execution.Host;

/// <summary>
/// Turns a container spec into the command that runs it: bwrap with the host's top-level directories
/// over a tmpfs root, Tekton's mounts, a PID namespace that ends with the step, Docker's default
/// capabilities and the step's user through <c>setpriv</c>. Without bwrap, only mount-less steps run,
/// directly in their own session.
/// </summary>
internal sealed class StepCommands
{
    /// <summary>The PATH a step gets when its spec has none (Docker's default).</summary>
    public const string DefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private const string InstallBubblewrap = "install bubblewrap (apt-get install bubblewrap) or use the docker backend";

    // Docker's default capability set, so that a root step on this backend can do what it could there.
    private static readonly ImmutableArray<string> DefaultCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    private readonly string? _bubblewrap;
    private readonly string _bubblewrapProblem;
    private readonly string _stateRoot;
    private readonly string? _setpriv;
    private readonly string? _env;
    private readonly Lazy<HostRoot> _root = new(HostRoot.Read);
    private readonly bool _isRoot = Posix.IsRoot;

    public StepCommands(string? bubblewrap, string bubblewrapProblem, string stateRoot)
    {
        _bubblewrap = bubblewrap;
        _bubblewrapProblem = bubblewrapProblem;
        _stateRoot = stateRoot;
        var path = Environment.GetEnvironmentVariable("PATH");
        _setpriv = FindProgram("setpriv", path);
        _env = FindProgram("env", path);
    }

    /// <summary>Whether steps run under bubblewrap.</summary>
    public bool HasBubblewrap => _bubblewrap is not null;

    /// <summary>Builds the launch of <paramref name="container"/> in <paramref name="sandbox"/>.</summary>
    /// <exception cref="SandboxConfigurationException">This backend cannot run it as specified.</exception>
    public StepLaunch Build(HostSandbox sandbox, ContainerSpec container)
    {
        if (container.Argv.IsDefaultOrEmpty)
        {
            throw new SandboxConfigurationException($"{container.Name} has no command; the host backend has no image entrypoint to fall back on");
        }

        var env = EnvironmentOf(container);
        var workingDirectory = container.WorkingDir is { Length: > 0 } dir ? ContainerPath(dir, container.Name) : "/";
        var user = UserCommand(container);
        var mounts = Mounts(sandbox, container);
        if (_bubblewrap is null)
        {
            if (!mounts.IsEmpty || sandbox.Spec.Network == NetworkMode.None)
            {
                throw new SandboxConfigurationException(
                    $"{container.Name} needs bubblewrap to {(mounts.IsEmpty ? "isolate its network" : "mount its volumes")}, but {_bubblewrapProblem}; {InstallBubblewrap}");
            }

            var command = user.AddRange(container.Argv);
            var program = command[0].Contains('/', StringComparison.Ordinal)
                ? command[0]
                : FindProgram(command[0], env.FirstOrDefault(e => e.StartsWith("PATH=", StringComparison.Ordinal))?[5..]) ?? command[0];
            return new StepLaunch(container.Name, program, command, env, workingDirectory, mounts, null);
        }

        // bwrap, its PID 1 and the step share the session posix_spawn made, so killing that process
        // group kills PID 1, and the kernel then kills everything else in the PID namespace. Without
        // --die-with-parent, which would tie the step to the thread that happened to spawn it.
        var arguments = new List<string>(128) { _bubblewrap, "--unshare-pid" };
        if (sandbox.Spec.Network == NetworkMode.None && sandbox.Namespace is null)
        {
            arguments.Add("--unshare-net");
        }

        AppendFilesystem(arguments, sandbox, container, mounts, workingDirectory);
        AppendCapabilities(arguments, container);
        arguments.AddRange(["--chdir", workingDirectory, "--"]);
        AppendRestoreWorkingDirectoryVariable(arguments, env);
        arguments.AddRange(user);
        arguments.AddRange(container.Argv);
        return new StepLaunch(container.Name, _bubblewrap, [.. arguments], env, null, mounts, sandbox.Namespace);
    }

    private void AppendFilesystem(List<string> arguments, HostSandbox sandbox, ContainerSpec container, ImmutableArray<MountSource> mounts, string workingDirectory)
    {
        var root = _root.Value;
        // A nested mount's point is made in its enclosing volume, not in a host directory.
        root.AppendBinds(arguments, mounts.Where(m => m.MountPoint is null).Select(m => m.ContainerPath));
        arguments.AddRange(["--proc", "/proc"]);
        arguments.AddRange(container.Privileged ? ["--dev-bind", "/dev", "/dev"] : ["--dev", "/dev"]);
        if (root.HasSys)
        {
            arguments.AddRange(["--ro-bind", "/sys", "/sys"]);
        }

        if (container.ReadOnlyRootFilesystem)
        {
            arguments.AddRange(["--dir", "/tmp"]);
        }
        else
        {
            arguments.AddRange(["--perms", "1777", "--tmpfs", "/tmp"]);
            if (root.HasVarTmp)
            {
                arguments.AddRange(["--perms", "1777", "--tmpfs", "/var/tmp"]);
            }
        }

        // The state root holds every sandbox's volumes (secrets included) and the run database: a step
        // sees its own volumes where they are mounted, and an empty directory there. Under /tmp it is
        // hidden already, and a mount point there would show.
        if (!IsUnder(_stateRoot, "/tmp") && !(IsUnder(_stateRoot, "/var/tmp") && root.HasVarTmp && !container.ReadOnlyRootFilesystem))
        {
            arguments.AddRange(["--tmpfs", _stateRoot]);
        }

        if (sandbox.HostsFile is { } hosts)
        {
            arguments.AddRange(["--ro-bind", hosts, "/etc/hosts"]);
        }

        for (var i = 0; i < mounts.Length; i++)
        {
            var readOnly = container.Mounts[i].ReadOnly || sandbox.Directories.ReadOnlyVolumes.Contains(container.Mounts[i].Volume);
            arguments.AddRange([readOnly ? "--ro-bind" : "--bind", mounts[i].HostPath, mounts[i].ContainerPath]);
        }

        if (workingDirectory != "/")
        {
            arguments.AddRange(["--dir", workingDirectory]);
        }

        if (container.ReadOnlyRootFilesystem)
        {
            arguments.AddRange(["--remount-ro", "/"]);
        }
    }

    // bwrap always exports PWD (bwrap(1), --clearenv); a container's environment has only what its
    // spec says, so env puts the spec's value back or removes it. One small exec inside the sandbox.
    private void AppendRestoreWorkingDirectoryVariable(List<string> arguments, ImmutableArray<string> env)
    {
        if (_env is null)
        {
            return;
        }

        var given = env.FirstOrDefault(e => e.StartsWith("PWD=", StringComparison.Ordinal));
        arguments.AddRange(given is null ? [_env, "-u", "PWD", "--"] : [_env, given, "--"]);
    }

    private void AppendCapabilities(List<string> arguments, ContainerSpec container)
    {
        // Unprivileged bwrap runs in a user namespace where these flags mean nothing.
        if (!_isRoot || container.Privileged)
        {
            return;
        }

        var add = container.CapAdd.Select(Capability).ToHashSet(StringComparer.Ordinal);
        if (add.Contains("CAP_ALL"))
        {
            return;
        }

        var drop = container.CapDrop.Select(Capability).ToHashSet(StringComparer.Ordinal);
        var keep = (drop.Contains("CAP_ALL") ? add : DefaultCapabilities.Concat(add).Where(c => !drop.Contains(c))).Distinct();
        arguments.AddRange(["--cap-drop", "ALL"]);
        foreach (var capability in keep)
        {
            arguments.AddRange(["--cap-add", capability]);
        }
    }

    private static bool IsUnder(string path, string directory) => path.StartsWith(directory + "/", StringComparison.Ordinal);

    private static string Capability(string name)
    {
        var upper = name.Trim().ToUpperInvariant();
        return upper.StartsWith("CAP_", StringComparison.Ordinal) ? upper : "CAP_" + upper;
    }

    private static ImmutableArray<MountSource> Mounts(HostSandbox sandbox, ContainerSpec container)
    {
        var result = ImmutableArray.CreateBuilder<MountSource>(container.Mounts.Length);
        foreach (var mount in container.Mounts)
        {
            if (!sandbox.Directories.Volumes.TryGetValue(mount.Volume, out var root))
            {
                throw new SandboxConfigurationException($"{container.Name} mounts volume \"{mount.Volume}\", which the sandbox does not have");
            }

            var containerPath = ContainerPath(mount.ContainerPath, container.Name);
            string hostPath;
            try
            {
                hostPath = mount.SubPath is { Length: > 0 } sub ? LocalVolumes.Resolve(root, sub) : root;
            }
            catch (ArgumentException e)
            {
                throw new SandboxConfigurationException($"{container.Name}: subPath of the mount at {containerPath}: {e.Message}", e);
            }

            // The innermost earlier mount that encloses this one: its host directory holds the mount point.
            MountPoint? point = null;
            for (var j = result.Count - 1; j >= 0; j--)
            {
                var outer = result[j];
                if (containerPath.StartsWith(outer.ContainerPath == "/" ? "/" : outer.ContainerPath + "/", StringComparison.Ordinal))
                {
                    point = new MountPoint(outer.VolumeRoot, LocalVolumes.Resolve(outer.HostPath, containerPath[outer.ContainerPath.Length..]));
                    break;
                }
            }

            result.Add(new MountSource(containerPath, root, hostPath, point));
        }

        return result.MoveToImmutable();
    }

    private static string ContainerPath(string path, string container)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (!path.StartsWith('/') || parts.Any(p => p is "." or ".."))
        {
            throw new SandboxConfigurationException($"{container}: \"{path}\" must be an absolute path without . or .. segments");
        }

        return "/" + string.Join('/', parts);
    }

    private static ImmutableArray<string> EnvironmentOf(ContainerSpec container)
    {
        var values = new List<string>(container.Env.Length + 1);
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, value) in container.Env)
        {
            if (positions.TryGetValue(name, out var at))
            {
                values[at] = $"{name}={value}";
            }
            else
            {
                positions[name] = values.Count;
                values.Add($"{name}={value}");
            }
        }

        if (!positions.ContainsKey("PATH"))
        {
            values.Add(DefaultPath);
        }

        return [.. values];
    }

    private ImmutableArray<string> UserCommand(ContainerSpec container)
    {
        if (string.IsNullOrEmpty(container.User))
        {
            return [];
        }

        var (uid, gid) = LocalUsers.Resolve(container.User, container.Name);
        if (uid == Posix.GetEuid() && gid == Posix.GetEgid())
        {
            return [];
        }

        if (!_isRoot)
        {
            throw new SandboxConfigurationException($"{container.Name} runs as user {container.User}, which needs sluice to run as root on the host backend");
        }

        if (_setpriv is null)
        {
            throw new SandboxConfigurationException($"{container.Name} runs as user {container.User}, which needs setpriv (apt-get install util-linux)");
        }

        return
        [
            _setpriv,
            string.Create(CultureInfo.InvariantCulture, $"--reuid={uid}"),
            string.Create(CultureInfo.InvariantCulture, $"--regid={gid}"),
            "--clear-groups",
            "--",
        ];
    }

    /// <summary>The first executable <paramref name="name"/> on a PATH, or null.</summary>
    public static string? FindProgram(string name, string? path)
    {
        foreach (var directory in (path ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate) && (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
            {
                return candidate;
            }
        }

        return null;
    }
}
