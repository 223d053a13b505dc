using System.Collections.Concurrent;

namespace Sluice.Sdk.Containers;

/// <summary>
/// The entry point of the container API: containers, host directories and cache volumes as immutable,
/// lazy values. Building values runs nothing; the awaited calls (<see cref="Container.SyncAsync"/>,
/// <see cref="Container.StdoutAsync"/>, <see cref="DirectoryValue.ExportAsync"/>...) evaluate what they
/// need on the engine. <c>Sluice.Hosting</c> adds <c>SluiceClient.ConnectAsync()</c>, which runs an
/// embedded engine on this machine.
/// </summary>
public sealed class SluiceClient : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Secret> _secrets = new(StringComparer.Ordinal);

    /// <summary>A client of an engine; disposing the client disposes the engine.</summary>
    public SluiceClient(IContainerEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        Engine = engine;
        Host = new HostDirectories(this);
    }

    /// <summary>The engine values are evaluated on.</summary>
    public IContainerEngine Engine { get; }

    /// <summary>Directories and secrets of the machine the program runs on.</summary>
    public HostDirectories Host { get; }

    /// <summary>An empty container; <see cref="Container.From"/> gives it an image's filesystem.</summary>
    /// <param name="platform">
    /// The platform its image is for (<see cref="Platforms"/>), this machine's by default. <c>From</c>
    /// then needs an image of that platform; execs of another architecture run under emulation where
    /// the machine has it, so build steps should run on the host's platform and cross-compile.
    /// </param>
    public Container Container(string? platform = null) =>
        new(this, platform is null ? ScratchOp.Instance : new ScratchOp(Platforms.Validate(platform)));

    /// <summary>A persistent cache volume, shared by every container that mounts the same key.</summary>
    /// <param name="key">The volume's name, such as <c>nuget</c>.</param>
    public CacheVolume CacheVolume(string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return new CacheVolume(key);
    }

    /// <summary>A secret whose value the program holds; it enters keys by <paramref name="name"/> only.</summary>
    /// <param name="name">The secret's name, such as <c>registry-token</c>.</param>
    /// <param name="value">Its value, never stored, logged or committed; masked as <c>***</c> in exec output.</param>
    /// <exception cref="ArgumentException">The client already has a secret of this name with another value or source.</exception>
    public Secret SetSecret(string name, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        return Define(Secret.FromValue(name, value));
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Engine.DisposeAsync();

    /// <summary>
    /// Names identify secrets in keys, so within one client a name stands for one source: defining it
    /// again with the same source gives the first secret, with another is refused.
    /// </summary>
    internal Secret Define(Secret secret)
    {
        var existing = _secrets.GetOrAdd(secret.Name, secret);
        return existing == secret || existing.SameSource(secret)
            ? existing
            : throw new ArgumentException($"this client already has a secret named \"{secret.Name}\" from {existing.Origin}; a name stands for one secret in cache keys, so give this one ({secret.Origin}) another name.", nameof(secret));
    }
}

/// <summary>A persistent volume for package stores and compiler caches; its contents never enter an identity.</summary>
/// <param name="Key">The volume's name.</param>
public sealed record CacheVolume(string Key);

/// <summary>Directories and secrets of the machine the program runs on.</summary>
public sealed class HostDirectories
{
    private readonly SluiceClient _client;

    internal HostDirectories(SluiceClient client)
    {
        _client = client;
    }

    /// <summary>A secret read from an environment variable of this process when an exec that needs it runs.</summary>
    /// <param name="name">The secret's name, its identity in keys.</param>
    /// <param name="variable">The environment variable that holds the value.</param>
    /// <exception cref="ArgumentException">The client already has a secret of this name from another source.</exception>
    public Secret EnvSecret(string name, string variable)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(variable);
        return _client.Define(Secret.FromEnvironment(name, variable));
    }

    /// <summary>A secret read from a file of this machine (as UTF-8 text) when an exec that needs it runs.</summary>
    /// <param name="name">The secret's name, its identity in keys.</param>
    /// <param name="path">The file; a relative path is taken from the current directory now.</param>
    /// <exception cref="ArgumentException">The client already has a secret of this name from another source.</exception>
    public Secret FileSecret(string name, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrEmpty(path);
        return _client.Define(Secret.FromFile(name, Path.GetFullPath(path)));
    }

    /// <summary>
    /// A directory of this machine, read when a value that needs it is evaluated. <c>.git</c> and what
    /// the tree's <c>.gitignore</c> files ignore are left out.
    /// </summary>
    /// <param name="path">The directory; a relative path is taken from the current directory now.</param>
    /// <param name="include">Globs of the files to take, <c>.gitignore</c>-style (all files when null or empty).</param>
    /// <param name="exclude">Globs of files and directories to leave out.</param>
    public DirectoryValue Directory(string path, IEnumerable<string>? include = null, IEnumerable<string>? exclude = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new DirectoryValue(_client, new HostDirectoryOp(Path.GetFullPath(path), [.. include ?? []], [.. exclude ?? []]));
    }
}
