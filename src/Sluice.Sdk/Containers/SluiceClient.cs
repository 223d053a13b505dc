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
    /// <summary>A client of an engine; disposing the client disposes the engine.</summary>
    public SluiceClient(IContainerEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        Engine = engine;
        Host = new HostDirectories(this);
    }

    /// <summary>The engine values are evaluated on.</summary>
    public IContainerEngine Engine { get; }

    /// <summary>Directories of the machine the program runs on.</summary>
    public HostDirectories Host { get; }

    /// <summary>An empty container; <see cref="Container.From"/> gives it an image's filesystem.</summary>
    public Container Container() => new(this, ScratchOp.Instance);

    /// <summary>A persistent cache volume, shared by every container that mounts the same key.</summary>
    /// <param name="key">The volume's name, such as <c>nuget</c>.</param>
    public CacheVolume CacheVolume(string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return new CacheVolume(key);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Engine.DisposeAsync();
}

/// <summary>A persistent volume for package stores and compiler caches; its contents never enter an identity.</summary>
/// <param name="Key">The volume's name.</param>
public sealed record CacheVolume(string Key);

/// <summary>Directories of the machine the program runs on.</summary>
public sealed class HostDirectories
{
    private readonly SluiceClient _client;

    internal HostDirectories(SluiceClient client)
    {
        _client = client;
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
