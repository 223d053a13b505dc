using System.Text;

namespace Sluice.Sdk.Containers;

/// <summary>A file of a container. Immutable and lazy.</summary>
public sealed class FileValue
{
    private readonly SluiceClient _client;

    internal FileValue(SluiceClient client, ContainerFileOp op)
    {
        _client = client;
        Op = op;
    }

    /// <summary>The op that produces this value.</summary>
    public ContainerFileOp Op { get; }

    /// <summary>Evaluates the container and reads the file as UTF-8 text.</summary>
    /// <exception cref="ExecFailedException">An exec the file depends on exited with a code other than 0.</exception>
    /// <exception cref="FileNotFoundException">The container has no regular file at the path.</exception>
    public async Task<string> ContentsAsync(CancellationToken cancellationToken = default) =>
        Encoding.UTF8.GetString(await _client.Engine.ReadFileAsync(Op, cancellationToken).ConfigureAwait(false));

    /// <summary>This value's identity: the digest of its op and inputs. Reads host directories, runs nothing.</summary>
    public Task<string> DigestAsync(CancellationToken cancellationToken = default) => _client.Engine.KeyAsync(Op, cancellationToken);
}
