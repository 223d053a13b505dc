namespace Sluice.Sdk.Containers;

/// <summary>A directory tree value: a host directory or a directory of a container. Immutable and lazy.</summary>
public sealed class DirectoryValue
{
    private readonly SluiceClient _client;

    internal DirectoryValue(SluiceClient client, DirectoryOp op)
    {
        _client = client;
        Op = op;
    }

    /// <summary>The op that produces this value.</summary>
    public DirectoryOp Op { get; }

    /// <summary>Evaluates the directory and writes its files under <paramref name="hostPath"/>, which is created when missing.</summary>
    /// <param name="hostPath">A directory of this machine; a relative path is taken from the current directory.</param>
    /// <param name="cancellationToken">Cancels the export.</param>
    /// <exception cref="ExecFailedException">An exec the directory depends on exited with a code other than 0.</exception>
    public Task ExportAsync(string hostPath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostPath);
        return _client.Engine.ExportAsync(Op, Path.GetFullPath(hostPath), cancellationToken);
    }

    /// <summary>This value's identity: the digest of its op and inputs. Reads host directories, runs nothing.</summary>
    public Task<string> DigestAsync(CancellationToken cancellationToken = default) => _client.Engine.KeyAsync(Op, cancellationToken);
}
