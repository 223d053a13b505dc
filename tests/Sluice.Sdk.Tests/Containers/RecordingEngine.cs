using System.Collections.Immutable;
using System.Collections.Concurrent;
using Sluice.Sdk.Containers;

namespace Sluice.Sdk.Tests.Containers;

/// <summary>
/// An engine that evaluates nothing: it records what it is asked, answers an exec's stdout with its
/// arguments, and keys ops with the SDK's own <see cref="OpKeys"/> over host digests the test sets.
/// </summary>
internal sealed class RecordingEngine : IContainerEngine
{
    private readonly OpKeys _keys;

    public RecordingEngine()
    {
        _keys = new OpKeys(DigestHostAsync, CancellationToken.None);
    }

    public Dictionary<string, string> HostDigests { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Calls { get; } = new();

    public Task<string> KeyAsync(Op op, CancellationToken cancellationToken) => _keys.KeyAsync(op, cancellationToken);

    public async Task<ContainerSnapshot> EvaluateAsync(ContainerOp container, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"evaluate {container.Name}");
        return new ContainerSnapshot
        {
            Key = await KeyAsync(container, cancellationToken),
            SnapshotId = "sha256:snapshot",
            LastExec = container is ExecOp exec ? new ExecOutput { Args = exec.Args, ExitCode = 0, Stdout = string.Join(' ', exec.Args), Stderr = string.Empty } : null,
        };
    }

    public Task ExportAsync(DirectoryOp directory, string hostPath, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"export {directory.Name} to {hostPath}");
        return Task.CompletedTask;
    }

    public Task<byte[]> ReadFileAsync(ContainerFileOp file, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"read {file.Path}");
        return Task.FromResult("contents"u8.ToArray());
    }

    public async Task<string> PublishAsync(string address, ImmutableArray<ContainerOp> containers, CancellationToken cancellationToken)
    {
        var keys = await Task.WhenAll(containers.Select(c => KeyAsync(c, cancellationToken)));
        Calls.Enqueue($"publish {address} {string.Join(' ', keys)}");
        return $"{address}@sha256:published";
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private Task<string> DigestHostAsync(HostDirectoryOp directory, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"digest {directory.Path}");
        return Task.FromResult(HostDigests[directory.Path]);
    }
}
