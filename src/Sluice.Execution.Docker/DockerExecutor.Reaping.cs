using Docker.DotNet.Models;
using Sluice.Engine.Execution;

namespace Sluice.Execution.Docker;

public sealed partial class DockerExecutor
{
    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<OwnedRun>> ListOwnedRunsAsync(CancellationToken cancellationToken)
    {
        var containers = await _client.Containers.ListContainersAsync(
            new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["label"] = new Dictionary<string, bool> { [Labels.RunUid] = true },
                },
            },
            cancellationToken).ConfigureAwait(false);
        var runs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var container in containers)
        {
            var run = container.Labels[Labels.RunUid];
            var owner = container.Labels.TryGetValue(Labels.Owner, out var value) ? value : string.Empty;
            if (!runs.TryGetValue(run, out var known) || known.Length == 0)
            {
                runs[run] = owner;
            }
        }

        foreach (var directory in _volumes.ListRuns())
        {
            if (!runs.TryGetValue(directory.RunUid, out var known) || known.Length == 0)
            {
                runs[directory.RunUid] = directory.Owner;
            }
        }

        return [.. runs.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => new OwnedRun(r.Key, r.Value))];
    }

    /// <inheritdoc />
    public async ValueTask<ReapReport> ReapAsync(string runUid, CancellationToken cancellationToken)
    {
        var ids = await ContainerIdsAsync(Labels.RunUid, runUid, cancellationToken).ConfigureAwait(false);
        var removed = await Task.WhenAll(ids.Select(id => RemoveContainerAsync(id, cancellationToken))).ConfigureAwait(false);
        var directories = _volumes.Reap(runUid);
        return new ReapReport(removed.Count(r => r), 0, directories);
    }
}
