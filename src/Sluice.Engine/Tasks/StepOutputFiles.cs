using Sluice.Engine.Execution;

namespace Sluice.Engine.Tasks;

/// <summary>
/// A step's <c>stdoutConfig.path</c> and <c>stderrConfig.path</c>: Tekton's entrypoint opens each file for
/// appending (creating it and its directories) and copies the stream there as well as to the log
/// (cmd/entrypoint/runner.go: newStdLogWriter, io.MultiWriter), so one path given for both collects both.
/// The engine does the same through the sandbox's file API, for paths inside a writable volume of the step:
/// elsewhere the file would live only in the step's own root filesystem, where nothing after it can read it.
/// </summary>
internal sealed class StepOutputFiles
{
    // Below this size the file is rewritten after every chunk, so it grows while the step runs; above it,
    // once the step has ended, to keep the cost linear in the output.
    private const int LiveLimit = 1 << 20;

    private readonly ITaskRunSandbox _sandbox;
    private readonly Dictionary<OutputStream, Target> _streams;

    private StepOutputFiles(ITaskRunSandbox sandbox, Dictionary<OutputStream, Target> streams)
    {
        _sandbox = sandbox;
        _streams = streams;
    }

    /// <summary>Creates the files a step asks for, keeping what they hold already; null when it asks for none that can be kept.</summary>
    public static async ValueTask<StepOutputFiles?> OpenAsync(ITaskRunSandbox sandbox, ContainerSpec container, Model.Tasks.Step step, CancellationToken cancellationToken)
    {
        if (step.StdoutConfig?.Path is not { Length: > 0 } && step.StderrConfig?.Path is not { Length: > 0 })
        {
            return null;
        }

        var streams = new Dictionary<OutputStream, Target>();
        var targets = new List<Target>();
        foreach (var (stream, path) in new[] { (OutputStream.Stdout, step.StdoutConfig?.Path), (OutputStream.Stderr, step.StderrConfig?.Path) })
        {
            if (string.IsNullOrEmpty(path) || Locate(container, path) is not var (volume, relative))
            {
                continue;
            }

            var target = targets.Find(t => t.Volume == volume && t.Path == relative);
            if (target is null)
            {
                var existing = await sandbox.ReadFileAsync(volume, relative, int.MaxValue, cancellationToken).ConfigureAwait(false);
                target = new Target(volume, relative);
                target.Content.Write(existing ?? []);
                targets.Add(target);
                await target.FlushAsync(sandbox, cancellationToken).ConfigureAwait(false);
            }

            streams[stream] = target;
        }

        return streams.Count == 0 ? null : new StepOutputFiles(sandbox, streams);
    }

    /// <summary>Appends a chunk to the file of its stream, if the step gave one.</summary>
    public async ValueTask WriteAsync(OutputChunk chunk, CancellationToken cancellationToken)
    {
        if (!_streams.TryGetValue(chunk.Stream, out var target))
        {
            return;
        }

        target.Content.Write(chunk.Data.Span);
        if (target.Content.Length <= LiveLimit)
        {
            await target.FlushAsync(_sandbox, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            target.Dirty = true;
        }
    }

    /// <summary>Writes what is not written yet, once the step's output has ended.</summary>
    public async ValueTask CloseAsync(CancellationToken cancellationToken)
    {
        foreach (var target in _streams.Values.Distinct())
        {
            if (target.Dirty)
            {
                await target.FlushAsync(_sandbox, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The volume and the path inside it where a container path lands, or null when it is in no writable mount.</summary>
    internal static (string Volume, string Path)? Locate(ContainerSpec container, string path)
    {
        var absolute = Clean(path.StartsWith('/') ? path : $"{container.WorkingDir ?? container.Image.WorkingDir ?? "/"}/{path}");
        Mount? best = null;
        foreach (var mount in container.Mounts)
        {
            var root = Clean(mount.ContainerPath);
            if ((absolute.StartsWith(root == "/" ? "/" : root + "/", StringComparison.Ordinal) || absolute == root) &&
                (best is null || root.Length >= Clean(best.ContainerPath).Length))
            {
                best = mount;
            }
        }

        if (best is null || best.ReadOnly)
        {
            return null;
        }

        var bestRoot = Clean(best.ContainerPath);
        var inside = absolute == bestRoot ? string.Empty : absolute[(bestRoot == "/" ? 1 : bestRoot.Length + 1)..];
        var relative = string.IsNullOrEmpty(best.SubPath) ? inside : inside.Length == 0 ? best.SubPath : $"{best.SubPath.TrimEnd('/')}/{inside}";
        return relative.Length == 0 ? null : (best.Volume, relative);
    }

    /// <summary>Go's path.Clean for an absolute path: no empty, <c>.</c> or <c>..</c> segments.</summary>
    private static string Clean(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }

        return "/" + string.Join('/', parts);
    }

    private sealed class Target(string volume, string path)
    {
        public string Volume { get; } = volume;

        public string Path { get; } = path;

        public MemoryStream Content { get; } = new();

        public bool Dirty { get; set; }

        public async ValueTask FlushAsync(ITaskRunSandbox sandbox, CancellationToken cancellationToken)
        {
            Dirty = false;
            try
            {
                // 0644, as the entrypoint opens the file.
                await sandbox.WriteFileAsync(Volume, Path, Content.GetBuffer().AsMemory(0, (int)Content.Length), 0x1A4, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A volume the backend keeps read-only (a ConfigMap, a Secret). Tekton's entrypoint cannot open
                // the file there either and fails the step; here the output stays in the log only.
            }
        }
    }
}
