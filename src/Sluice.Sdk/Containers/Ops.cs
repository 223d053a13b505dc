using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace Sluice.Sdk.Containers;

/// <summary>
/// One node of the operation graph an SDK program builds: what produced a value and from which
/// inputs. Ops are data; an <see cref="IContainerEngine"/> evaluates them, and a value's identity is
/// the digest of its op's description (<see cref="OpKeys"/>).
/// </summary>
public abstract record Op
{
    /// <summary>The op's name in its description, such as <c>exec</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The values this op reads, in a fixed order; their keys enter this op's key.</summary>
    public abstract ImmutableArray<Op> Inputs { get; }

    /// <summary>The op's own arguments as they enter its description (inputs are described by their keys).</summary>
    public abstract JsonObject Arguments();
}

/// <summary>An op whose value is a container: a root filesystem and the settings its execs run with.</summary>
public abstract record ContainerOp : Op;

/// <summary>An op whose value is a directory tree.</summary>
public abstract record DirectoryOp : Op;

/// <summary>
/// An empty container for a platform: no filesystem, no settings. The platform enters every identity
/// after it, so the same program for linux/amd64 and linux/arm64 gives different values.
/// </summary>
/// <param name="Platform">The platform, such as <c>linux/arm64</c> (<see cref="Platforms"/>).</param>
public sealed record ScratchOp(string Platform) : ContainerOp
{
    /// <summary>The empty container of this machine's platform.</summary>
    public static ScratchOp Instance { get; } = new(Platforms.Host);

    /// <inheritdoc />
    public override string Name => "scratch";

    /// <inheritdoc />
    public override ImmutableArray<Op> Inputs => [];

    /// <inheritdoc />
    public override JsonObject Arguments() => new() { ["platform"] = Platform };
}

/// <summary>The root filesystem of an image; environment variables set before are kept, as in Dagger.</summary>
/// <param name="Parent">The container before.</param>
/// <param name="Address">The image reference, such as <c>busybox</c> or <c>alpine:3.20</c>.</param>
public sealed record FromOp(ContainerOp Parent, string Address) : ContainerOp
{
    /// <inheritdoc />
    public override string Name => "from";

    /// <inheritdoc />
    public override ImmutableArray<Op> Inputs => [Parent];

    /// <inheritdoc />
    public override JsonObject Arguments() => new() { ["address"] = Address };
}

/// <summary>An environment variable for the execs that follow.</summary>
/// <param name="Parent">The container before.</param>
/// <param name="Variable">The variable's name.</param>
/// <param name="Value">Its value, taken as it is (no expansion).</param>
public sealed record EnvOp(ContainerOp Parent, string Variable, string Value) : ContainerOp
{
    /// <inheritdoc />
    public override string Name => "env";

    /// <inheritdoc />
    public override ImmutableArray<Op> Inputs => [Parent];

    /// <inheritdoc />
    public override JsonObject Arguments() => new() { ["name"] = Variable, ["value"] = Value };
}

/// <summary>The working directory of the execs that follow.</summary>
/// <param name="Parent">The container before.</param>
/// <param name="Path">An absolute path in the container.</param>
public sealed record WorkdirOp(ContainerOp Parent, string Path) : ContainerOp
{
    /// <inheritdoc />
    public override string Name => "workdir";

    /// <inheritdoc />
    public override ImmutableArray<Op> Inputs => [Parent];

    /// <inheritdoc />
    public override JsonObject Arguments() => new() { ["path"] = Path };
}

/// <summary>The entrypoint a published image starts with; it resets the default arguments, as in a Dockerfile.</summary>
/// <param name="Parent">The container before.</param>
/// <param name="Args">The program and its first arguments.</param>
public sealed record EntrypointOp(ContainerOp Parent, ImmutableArray<string> Args) : ContainerOp
{
    /// <inheritdoc />
    public override string Name => "entrypoint";

    /// <inheritdoc />
    public override ImmutableArray<Op> Inputs => [Parent];

    /// <inheritdoc />
    public override JsonObject Arguments() => new() { ["args"] = new JsonArray([.. Args.Select(a => JsonValue.Create(a))]) };
}

/// <summary>The arguments a published image passes to its entrypoint when it is started without any.</summary>
/// <param name="Parent">The container before.</param>
/// <param name="Args">The arguments.</param>
public sealed record DefaultArgsOp(ContainerOp Parent, ImmutableArray<string> Args) : ContainerOp
{
    /// <inheritdoc />
    public override string Name => "default-args";

    /// <inheritdoc />
    public override ImmutableArray<Op> Inputs => [Parent];

    /// <inheritdoc />
    public override JsonObject Arguments() => new() { ["args"] = new JsonArray([.. Args.Select(a => JsonValue.Create(a))]) };
}

/// <summary>A label of the published image's configuration.</summary>
/// <param name="Parent">The container before.</param>
/// <param name="Label">The label's name, such as <c>org.opencontainers.image.source</c>.</param>
/// <param name="Value">Its value.</param>
public sealed record LabelOp(ContainerOp Parent, string Label, string Value) : ContainerOp
{
    /// <inheritdoc />
    public override string Name => "label";

    /// <inheritdoc />
    public override ImmutableArray<Op> Inputs => [Parent];

    /// <inheritdoc />
    public override JsonObject Arguments() => new() { ["name"] = Label, ["value"] = Value };
}

/// <summary>
/// A persistent cache volume mounted for the execs that follow. Its contents are not part of any
/// identity: a program must be correct with an empty cache.
/// </summary>
/// <param name="Parent">The container before.</param>
/// <param name="Path">Where the volume is mounted.</param>
/// <param name="Volume">The volume's key.</param>
public sealed record MountCacheOp(ContainerOp Parent, string Path, string Volume) : ContainerOp
{
    /// <inheritdoc />
    public override string Name => "mount-cache";

    /// <inheritdoc />
    public override ImmutableArray<Op> Inputs => [Parent];

    /// <inheritdoc />
    public override JsonObject Arguments() => new() { ["path"] = Path, ["volume"] = Volume };
}

/// <summary>
/// A secret as an environment variable of the execs that follow. The secret enters the description by
/// its name only: a new value for the same name is the same op.
/// </summary>
/// <param name="Parent">The container before.</param>
/// <param name="Variable">The variable's name.</param>
/// <param name="Secret">The secret.</param>
public sealed record SecretVariableOp(ContainerOp Parent, string Variable, Secret Secret) : ContainerOp
{
    /// <inheritdoc />
    public override string Name => "secret-env";

    /// <inheritdoc />
    public override ImmutableArray<Op> Inputs => [Parent];

    /// <inheritdoc />
    public override JsonObject Arguments() => new() { ["name"] = Variable, ["secret"] = Secret.Name };
}

/// <summary>
/// A secret as a read-only file of the execs that follow, mounted from outside the snapshot so that no
/// committed filesystem holds it. The secret enters the description by its name only.
/// </summary>
/// <param name="Parent">The container before.</param>
/// <param name="Path">The absolute path of the file.</param>
/// <param name="Secret">The secret.</param>
public sealed record MountSecretOp(ContainerOp Parent, string Path, Secret Secret) : ContainerOp
{
    /// <inheritdoc />
    public override string Name => "mount-secret";

    /// <inheritdoc />
    public override ImmutableArray<Op> Inputs => [Parent];

    /// <inheritdoc />
    public override JsonObject Arguments() => new() { ["path"] = Path, ["secret"] = Secret.Name };
}

/// <summary>A directory tree copied into the container's filesystem, replacing files of the same names.</summary>
/// <param name="Parent">The container before.</param>
/// <param name="Path">The absolute directory the tree's contents land in; created when missing.</param>
/// <param name="Source">The tree.</param>
public sealed record WithDirectoryOp(ContainerOp Parent, string Path, DirectoryOp Source) : ContainerOp
{
    /// <inheritdoc />
    public override string Name => "copy";

    /// <inheritdoc />
    public override ImmutableArray<Op> Inputs => [Parent, Source];

    /// <inheritdoc />
    public override JsonObject Arguments() => new() { ["path"] = Path };
}

/// <summary>A process run on the parent's filesystem; its result is the filesystem it leaves and its output.</summary>
/// <param name="Parent">The container the process runs in.</param>
/// <param name="Args">The program and its arguments; the image's entrypoint is not used.</param>
public sealed record ExecOp(ContainerOp Parent, ImmutableArray<string> Args) : ContainerOp
{
    /// <inheritdoc />
    public override string Name => "exec";

    /// <inheritdoc />
    public override ImmutableArray<Op> Inputs => [Parent];

    /// <inheritdoc />
    public override JsonObject Arguments() => new() { ["args"] = new JsonArray([.. Args.Select(a => JsonValue.Create(a))]) };
}

/// <summary>
/// A directory of the machine the program runs on. Its identity is the digest of the files the filter
/// keeps, not its path: an unchanged tree elsewhere is the same value.
/// </summary>
/// <param name="Path">The absolute path.</param>
/// <param name="Include">Globs of files to take (all when empty).</param>
/// <param name="Exclude">Globs of files and directories to leave out; <c>.git</c> and what <c>.gitignore</c> ignores are left out too.</param>
public sealed record HostDirectoryOp(string Path, ImmutableArray<string> Include, ImmutableArray<string> Exclude) : DirectoryOp
{
    /// <inheritdoc />
    public override string Name => "host-directory";

    /// <inheritdoc />
    public override ImmutableArray<Op> Inputs => [];

    /// <inheritdoc />
    public override JsonObject Arguments() => [];
}

/// <summary>A directory of a container's filesystem.</summary>
/// <param name="Container">The container.</param>
/// <param name="Path">The absolute path of the directory.</param>
public sealed record ContainerDirectoryOp(ContainerOp Container, string Path) : DirectoryOp
{
    /// <inheritdoc />
    public override string Name => "directory";

    /// <inheritdoc />
    public override ImmutableArray<Op> Inputs => [Container];

    /// <inheritdoc />
    public override JsonObject Arguments() => new() { ["path"] = Path };
}

/// <summary>A file of a container's filesystem.</summary>
/// <param name="Container">The container.</param>
/// <param name="Path">The absolute path of the file.</param>
public sealed record ContainerFileOp(ContainerOp Container, string Path) : Op
{
    /// <inheritdoc />
    public override string Name => "file";

    /// <inheritdoc />
    public override ImmutableArray<Op> Inputs => [Container];

    /// <inheritdoc />
    public override JsonObject Arguments() => new() { ["path"] = Path };
}
