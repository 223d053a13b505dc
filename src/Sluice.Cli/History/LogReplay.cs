using System.Text;
using Sluice.Model.Diagnostics;
using Sluice.Model.Loading;
using Sluice.Model.Runs;
using Sluice.Store;

namespace Sluice.Cli.History;

/// <summary>
/// <c>sluice logs</c>: replays a run's step logs from their files in the order the steps ran, each line
/// prefixed as <c>tkn</c> prefixes it (<c>[task : step]</c>, or <c>[step]</c> for a TaskRun), or follows
/// them while the run goes on. Files are read in chunks; no log is held whole in memory.
/// </summary>
internal sealed class LogReplay(Stream output, bool color)
{
    private const int ChunkSize = 64 * 1024;
    private static readonly TimeSpan FollowPoll = TimeSpan.FromMilliseconds(250);
    private readonly Dictionary<(string TaskRun, string Container), Source> _sources = [];

    /// <summary>Replays the logs of a stored run, filtered by task and step when given; returns whether any log matched.</summary>
    public async Task<bool> ReplayAsync(StoredRun run, string? task, string? step, CancellationToken cancellationToken)
    {
        var matched = false;
        foreach (var source in Order(run, task, step))
        {
            matched = true;
            await PumpAsync(source, final: true, cancellationToken).ConfigureAwait(false);
        }

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return matched;
    }

    /// <summary>Follows a run's logs until it has ended and every log is written out.</summary>
    public async Task FollowAsync(RunStore store, string uid, string? task, string? step, CancellationToken cancellationToken)
    {
        while (true)
        {
            var run = await store.GetAsync(uid, cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException("the run was deleted while its logs were followed");
            var ended = run.Summary.Completed is not null;
            foreach (var source in Order(run, task, step))
            {
                await PumpAsync(source, final: ended, cancellationToken).ConfigureAwait(false);
            }

            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (ended)
            {
                return;
            }

            await Task.Delay(FollowPoll, cancellationToken).ConfigureAwait(false);
        }
    }

    private IEnumerable<Source> Order(StoredRun run, string? task, string? step)
    {
        var pipeline = run.Summary.Kind == "PipelineRun";
        var children = pipeline
            ? run.Children.OrderBy(c => c.Summary.Started ?? DateTimeOffset.MaxValue).ThenBy(c => c.Summary.Seq).Select(c => (c.Summary, c.Resource)).ToList()
            : [(run.Summary, run.Resource)];
        var logs = run.Logs.ToList();
        foreach (var (summary, resource) in children)
        {
            var label = summary.PipelineTask ?? summary.Name;
            if (task is not null && task != label && task != summary.Name)
            {
                continue;
            }

            var own = logs.Where(l => l.TaskRun == summary.Name).ToList();
            var ordered = StepOrder(resource).Select(c => own.FirstOrDefault(l => l.Container == c)).OfType<StoredLog>().ToList();
            ordered.AddRange(own.Where(l => !ordered.Contains(l)));
            foreach (var log in ordered)
            {
                var stepName = log.Container.StartsWith("step-", StringComparison.Ordinal) ? log.Container[5..] : log.Container;
                if (step is not null && step != stepName && step != log.Container)
                {
                    continue;
                }

                var key = (log.TaskRun, log.Container);
                if (!_sources.TryGetValue(key, out var source))
                {
                    var prefix = pipeline ? $"[{label} : {stepName}] " : $"[{stepName}] ";
                    source = new Source(log.Path, Encoding.UTF8.GetBytes(color ? $"\e[36m{prefix.TrimEnd()}\e[0m " : prefix));
                    _sources[key] = source;
                }

                yield return source;
            }
        }
    }

    private static IEnumerable<string> StepOrder(string resource)
    {
        var diagnostics = new DiagnosticBag();
        var read = ResourceReader.ReadText(resource, "stored", diagnostics);
        if (read.Length != 1 || read[0].Resource is not TaskRun { Status: { } status })
        {
            return [];
        }

        return status.Steps.Select(s => s.Container ?? "step-" + s.Name).Concat(status.Sidecars.Select(s => s.Container ?? "sidecar-" + s.Name));
    }

    private async Task PumpAsync(Source source, bool final, CancellationToken cancellationToken)
    {
        if (source.Done)
        {
            return;
        }

        if (File.Exists(source.Path))
        {
            await using var file = new FileStream(source.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, ChunkSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
            file.Seek(source.Offset, SeekOrigin.Begin);
            var buffer = new byte[ChunkSize];
            int read;
            while ((read = await file.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                source.Offset += read;
                await WriteAsync(source, buffer.AsMemory(0, read), final, cancellationToken).ConfigureAwait(false);
            }
        }

        if (final)
        {
            if (source.Pending.Length > 0 || !source.AtLineStart)
            {
                await WriteLinesAsync(source, source.Pending.ToArray(), cancellationToken).ConfigureAwait(false);
                source.Pending.SetLength(0);
                await output.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            }

            source.Done = true;
        }
    }

    private async Task WriteAsync(Source source, ReadOnlyMemory<byte> data, bool final, CancellationToken cancellationToken)
    {
        var end = data.Span.LastIndexOf((byte)'\n') + 1;
        if (end > 0)
        {
            if (source.Pending.Length > 0)
            {
                await WriteLinesAsync(source, source.Pending.ToArray(), cancellationToken).ConfigureAwait(false);
                source.Pending.SetLength(0);
            }

            await WriteLinesAsync(source, data[..end], cancellationToken).ConfigureAwait(false);
        }

        var rest = data[end..];
        if (final)
        {
            // Replaying one log after another: the rest of a line can go out at once.
            await WriteLinesAsync(source, rest, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // Following several logs at once: hold a partial line so lines of different steps do not mix.
            source.Pending.Write(rest.Span);
            if (source.Pending.Length > ChunkSize)
            {
                await WriteLinesAsync(source, source.Pending.ToArray(), cancellationToken).ConfigureAwait(false);
                source.Pending.SetLength(0);
            }
        }
    }

    private async Task WriteLinesAsync(Source source, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (data.Length > 0)
        {
            if (source.AtLineStart)
            {
                await output.WriteAsync(source.Prefix, cancellationToken).ConfigureAwait(false);
                source.AtLineStart = false;
            }

            var newline = data.Span.IndexOf((byte)'\n');
            var line = newline < 0 ? data : data[..(newline + 1)];
            await output.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            source.AtLineStart = newline >= 0;
            data = data[line.Length..];
        }
    }

    /// <summary>One log being written out.</summary>
    /// <param name="path">The file.</param>
    /// <param name="prefix">What each line starts with.</param>
    private sealed class Source(string path, byte[] prefix)
    {
        public string Path { get; } = path;

        public byte[] Prefix { get; } = prefix;

        public long Offset { get; set; }

        public bool AtLineStart { get; set; } = true;

        public bool Done { get; set; }

        public MemoryStream Pending { get; } = new();
    }
}
