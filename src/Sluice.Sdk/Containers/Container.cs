using System.Collections.Immutable;

namespace Sluice.Sdk.Containers;

/// <summary>
/// A container value: a root filesystem with the environment, working directory and mounts its execs
/// run with. Immutable: every <c>With</c> call returns a new value and leaves this one as it was, so a
/// value can be branched freely. Lazy: nothing runs until an awaited call needs it.
/// </summary>
public sealed class Container
{
    private readonly SluiceClient _client;

    internal Container(SluiceClient client, ContainerOp op)
    {
        _client = client;
        Op = op;
    }

    /// <summary>The op that produces this value.</summary>
    public ContainerOp Op { get; }

    /// <summary>This container with an image's root filesystem; environment variables set before are kept.</summary>
    /// <param name="address">The image reference, such as <c>busybox</c>; image mirrors apply.</param>
    public Container From(string address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        return With(new FromOp(Op, address));
    }

    /// <summary>This container with an environment variable set for the execs that follow.</summary>
    /// <param name="name">The variable's name.</param>
    /// <param name="value">Its value, taken as it is.</param>
    public Container WithEnvVariable(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        return With(new EnvOp(Op, name, value));
    }

    /// <summary>
    /// This container with a secret as an environment variable of the execs that follow. The variable
    /// reaches only their processes: it is not committed into any snapshot's configuration, the secret
    /// enters identities by name, and its value is masked as <c>***</c> in their output.
    /// </summary>
    /// <param name="name">The variable's name.</param>
    /// <param name="secret">The secret.</param>
    public Container WithSecretVariable(string name, Secret secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(secret);
        return With(new SecretVariableOp(Op, name, secret));
    }

    /// <summary>
    /// This container with a secret as a read-only file at <paramref name="path"/> for the execs that
    /// follow, mounted from outside the container's filesystem so that no snapshot holds its contents.
    /// </summary>
    /// <param name="path">The absolute path of the file.</param>
    /// <param name="secret">The secret.</param>
    public Container WithMountedSecret(string path, Secret secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return With(new MountSecretOp(Op, Absolute(path), secret));
    }

    /// <summary>This container with the working directory of the execs that follow.</summary>
    /// <param name="path">An absolute path; created when an exec starts there.</param>
    public Container WithWorkdir(string path) => With(new WorkdirOp(Op, Absolute(path)));

    /// <summary>This container with a directory tree copied in at <paramref name="path"/>.</summary>
    /// <param name="path">The absolute directory the tree's contents land in; created when missing.</param>
    /// <param name="directory">The tree: a host directory or a directory of another container.</param>
    public Container WithDirectory(string path, DirectoryValue directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return With(new WithDirectoryOp(Op, Absolute(path), directory.Op));
    }

    /// <summary>This container with a cache volume mounted at <paramref name="path"/> for the execs that follow.</summary>
    /// <param name="path">An absolute path.</param>
    /// <param name="cache">The volume.</param>
    public Container WithMountedCache(string path, CacheVolume cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return With(new MountCacheOp(Op, Absolute(path), cache.Key));
    }

    /// <summary>This container after running a process in it; the image's entrypoint is not used.</summary>
    /// <param name="args">The program and its arguments, such as <c>["sh", "-c", "make"]</c>.</param>
    public Container WithExec(IEnumerable<string> args)
    {
        return With(new ExecOp(Op, Arguments(args, nameof(args), allowEmpty: false)));
    }

    /// <summary>This container with the entrypoint its published image starts; the default arguments are reset.</summary>
    /// <param name="args">The program and its first arguments. Execs do not use it.</param>
    public Container WithEntrypoint(IEnumerable<string> args) => With(new EntrypointOp(Op, Arguments(args, nameof(args), allowEmpty: false)));

    /// <summary>This container with the arguments its published image passes to the entrypoint by default.</summary>
    /// <param name="args">The arguments. Execs do not use them.</param>
    public Container WithDefaultArgs(IEnumerable<string> args) => With(new DefaultArgsOp(Op, Arguments(args, nameof(args), allowEmpty: true)));

    /// <summary>This container with a label in its published image's configuration.</summary>
    /// <param name="name">The label's name.</param>
    /// <param name="value">Its value.</param>
    public Container WithLabel(string name, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        return With(new LabelOp(Op, name, value));
    }

    /// <summary>The platform this container's image is for, such as <c>linux/arm64</c>.</summary>
    public string Platform
    {
        get
        {
            Op op = Op;
            while (op is not ScratchOp)
            {
                op = op.Inputs[0];
            }

            return ((ScratchOp)op).Platform;
        }
    }

    /// <summary>
    /// Pushes this container as an image to a registry, with <paramref name="platformVariants"/> as the
    /// other platforms of one image index. Evaluates what it needs first; never cached. Credentials come
    /// from the Docker configuration (<c>$DOCKER_CONFIG/config.json</c>, else <c>~/.docker/config.json</c>).
    /// </summary>
    /// <param name="address">
    /// Where to: <c>registry/repository:tag</c> points the tag at what is pushed; without a tag the
    /// image is pushed by digest only.
    /// </param>
    /// <param name="platformVariants">Containers for other platforms, one per platform.</param>
    /// <param name="cancellationToken">Cancels the push.</param>
    /// <returns>The pushed image as <c>registry/repository@sha256:...</c>: an image index when there are variants, else a manifest.</returns>
    /// <exception cref="ArgumentException">Two containers are for the same platform, or the address is not a reference.</exception>
    /// <exception cref="ExecFailedException">An exec it depends on failed.</exception>
    public Task<string> PublishAsync(string address, IEnumerable<Container>? platformVariants = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        var containers = new List<Container> { this };
        containers.AddRange(platformVariants ?? []);
        var duplicate = containers.GroupBy(c => c.Platform, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"{duplicate.Count()} of the containers to publish are for {duplicate.Key}; an image index holds one image per platform", nameof(platformVariants));
        }

        return _client.Engine.PublishAsync(address, [.. containers.Select(c => c.Op)], cancellationToken);
    }

    /// <summary>A directory of this container's filesystem.</summary>
    /// <param name="path">An absolute path.</param>
    public DirectoryValue Directory(string path) => new(_client, new ContainerDirectoryOp(Op, Absolute(path)));

    /// <summary>A file of this container's filesystem.</summary>
    /// <param name="path">An absolute path.</param>
    public FileValue File(string path) => new(_client, new ContainerFileOp(Op, Absolute(path)));

    /// <summary>Evaluates this container: runs every exec it depends on that has not run yet.</summary>
    /// <exception cref="ExecFailedException">An exec exited with a code other than 0.</exception>
    public async Task<Container> SyncAsync(CancellationToken cancellationToken = default)
    {
        await _client.Engine.EvaluateAsync(Op, cancellationToken).ConfigureAwait(false);
        return this;
    }

    /// <summary>The standard output of the last exec.</summary>
    /// <exception cref="InvalidOperationException">No exec ran since the image was set.</exception>
    public async Task<string> StdoutAsync(CancellationToken cancellationToken = default) =>
        (await LastExecAsync(cancellationToken).ConfigureAwait(false)).Stdout;

    /// <summary>The standard error of the last exec.</summary>
    /// <exception cref="InvalidOperationException">No exec ran since the image was set.</exception>
    public async Task<string> StderrAsync(CancellationToken cancellationToken = default) =>
        (await LastExecAsync(cancellationToken).ConfigureAwait(false)).Stderr;

    /// <summary>This value's identity: the digest of its op and inputs. Reads host directories, runs nothing.</summary>
    public Task<string> DigestAsync(CancellationToken cancellationToken = default) => _client.Engine.KeyAsync(Op, cancellationToken);

    private async Task<ExecOutput> LastExecAsync(CancellationToken cancellationToken)
    {
        var snapshot = await _client.Engine.EvaluateAsync(Op, cancellationToken).ConfigureAwait(false);
        return snapshot.LastExec ?? throw new InvalidOperationException("the container has no output: no WithExec ran since its image was set.");
    }

    private Container With(ContainerOp op) => new(_client, op);

    private static ImmutableArray<string> Arguments(IEnumerable<string> args, string name, bool allowEmpty)
    {
        ArgumentNullException.ThrowIfNull(args, name);
        ImmutableArray<string> argv = [.. args];
        return argv.Length > 0 || allowEmpty ? argv : throw new ArgumentException("a program to run is needed", name);
    }

    internal static string Absolute(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return path.StartsWith('/') ? path : throw new ArgumentException($"\"{path}\" is not an absolute path in the container", nameof(path));
    }
}
