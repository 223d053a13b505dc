using System.Globalization;
using System.Net;
using System.Text;
using System.Threading.Channels;
using Docker.DotNet;
using Docker.DotNet.Models;
using Sluice.Engine.Execution;

namespace Sluice.Execution.Docker;

/// <summary>
/// A created container of a step or sidecar. Output is read by attaching before the start (the log
/// driver is <c>none</c>, so the attach stream is the only copy) and handed to <see cref="TailAsync"/>
/// through a bounded channel: a step that writes faster than its reader is slowed down, never buffered
/// whole; so a step's output must be read while the step runs, or the step stalls once the pipe and
/// the channel are full. A sidecar's channel drops its oldest chunks instead, since nobody may be
/// reading it and a chatty sidecar must not block.
/// </summary>
internal sealed class DockerContainerProcess : IStepProcess
{
    private const int ReadBufferSize = 64 * 1024;
    private const int MinimumRead = 16 * 1024;
    private const int StepChannelCapacity = 16;
    private const int SidecarChannelCapacity = 64;

    private readonly IDockerClient _client;
    private readonly Func<string, Task> _remove;
    private readonly TimeProvider _time;
    private readonly Channel<OutputChunk> _output;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly CancellationToken _stopping;
    private readonly TaskCompletionSource _startSettled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private State _state;
    private bool _killRequested;
    private int _tailed;
    private int _disposed;
    private MultiplexedStream? _stream;
    private Task? _pump;
    private Task<ProcessExit>? _exit;
    private byte[]? _startFailure;

    public DockerContainerProcess(IDockerClient client, string id, string name, bool sidecar, Func<string, Task> remove, TimeProvider time)
    {
        _client = client;
        Id = id;
        Name = name;
        _remove = remove;
        _time = time;
        _stopping = _lifetime.Token;
        _output = sidecar
            ? Channel.CreateBounded<OutputChunk>(new BoundedChannelOptions(SidecarChannelCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true })
            : Channel.CreateBounded<OutputChunk>(new BoundedChannelOptions(StepChannelCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = true });
    }

    private enum State
    {
        Created,
        Starting,
        Started,
        NeverStarted,
    }

    /// <summary>The container's id.</summary>
    public string Id { get; }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public async ValueTask StartAsync(CancellationToken cancellationToken)
    {
        bool killedBeforeStart;
        lock (_gate)
        {
            if (_state != State.Created)
            {
                return;
            }

            killedBeforeStart = _killRequested;
            _state = killedBeforeStart ? State.NeverStarted : State.Starting;
        }

        if (killedBeforeStart)
        {
            _output.Writer.TryComplete();
            _startSettled.TrySetResult();
            return;
        }

        try
        {
            // Attach first: with log driver none the daemon copies output only to attached streams, and
            // it subscribes the attach to the container's output before it answers, so from here on
            // nothing is lost, not even the only line of a step that exits at once.
            _stream = await _client.Containers.AttachContainerAsync(
                Id,
                false,
                new ContainerAttachParameters { Stream = true, Stdout = true, Stderr = true },
                cancellationToken).ConfigureAwait(false);
            _pump = Task.Run(() => PumpAsync(_stream, _stopping), CancellationToken.None);
            try
            {
                await _client.Containers.StartContainerAsync(Id, null, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerApiException e) when (e.ResponseBody?.Contains("No such container", StringComparison.Ordinal) != true)
            {
                // The daemon refused to run the argv (no such executable, bad mount): the step fails
                // with the daemon's exit code and its message on stderr, as a shell would report it.
                _startFailure = Encoding.UTF8.GetBytes($"sluice: cannot start {Name}: {DockerExecutor.DaemonMessage(e)}\n");
                _stream.Dispose();
            }

            bool killNow;
            lock (_gate)
            {
                _state = State.Started;
                killNow = _killRequested;
            }

            if (killNow)
            {
                await SendKillAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch
        {
            lock (_gate)
            {
                _state = State.NeverStarted;
            }

            _stream?.Dispose();
            _output.Writer.TryComplete();
            throw;
        }
        finally
        {
            _startSettled.TrySetResult();
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<OutputChunk> TailAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _tailed, 1) != 0)
        {
            throw new InvalidOperationException($"the output of {Name} can be read only once.");
        }

        return OutputBuffers.ReadAllAsync(_output.Reader, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<ProcessExit> WaitAsync(CancellationToken cancellationToken)
    {
        Task<ProcessExit> exit;
        lock (_gate)
        {
            exit = _exit ??= WaitCoreAsync();
        }

        return await exit.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask KillAsync(CancellationToken cancellationToken)
    {
        State state;
        lock (_gate)
        {
            _killRequested = true;
            state = _state;
            if (state == State.Created)
            {
                _state = State.NeverStarted;
            }
        }

        switch (state)
        {
            case State.Created:
                _output.Writer.TryComplete();
                _startSettled.TrySetResult();
                break;
            case State.Starting or State.Started:
                // While starting, the kill may find the container not yet running; StartAsync sends it again.
                await SendKillAsync(cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>Removes the container; removal runs on without the caller, its owner awaits it at the end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _ = _remove(Id);
        _startSettled.TrySetResult();
        await _lifetime.CancelAsync().ConfigureAwait(false);
        await StopPumpAsync().ConfigureAwait(false);
        _output.Writer.TryComplete();
        _lifetime.Dispose();
    }

    /// <summary>
    /// Reads the attach stream into chunks. The daemon sends a frame per read of the container's pipe, often
    /// 4 KiB; frames that are already waiting are gathered into one chunk of up to 64 KiB, and what is held
    /// is handed on as soon as a read would have to wait, so output is never delayed.
    /// </summary>
    private async Task PumpAsync(MultiplexedStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[ReadBufferSize];
        var (start, end) = (0, 0);
        var held = OutputStream.Stdout;
        try
        {
            while (true)
            {
                if (buffer.Length - end < MinimumRead)
                {
                    await HandOnAsync(held, buffer, start, end, cancellationToken).ConfigureAwait(false);
                    (start, end) = (0, 0);
                }

                var reading = stream.ReadOutputAsync(buffer, end, buffer.Length - end, cancellationToken);
                if (!reading.IsCompleted)
                {
                    await HandOnAsync(held, buffer, start, end, cancellationToken).ConfigureAwait(false);
                    start = end;
                }

                var read = await reading.ConfigureAwait(false);
                if (read.EOF)
                {
                    break;
                }

                var which = read.Target == MultiplexedStream.TargetStream.StandardError ? OutputStream.Stderr : OutputStream.Stdout;
                if (which != held)
                {
                    await HandOnAsync(held, buffer, start, end, cancellationToken).ConfigureAwait(false);
                    (start, held) = (end, which);
                }

                end += read.Count;
            }

            await HandOnAsync(held, buffer, start, end, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The container was removed, the process disposed or the start refused: the output ends here,
            // with what was read and not yet handed on if the reader has room for it.
            if (end > start)
            {
                _output.Writer.TryWrite(OutputBuffers.Copy(held, buffer.AsSpan(start, end - start)));
            }
        }

        // The daemon may close the stream before it answers the start request: the refusal comes last.
        await _startSettled.Task.ConfigureAwait(false);
        if (_startFailure is { } message)
        {
            _output.Writer.TryWrite(new OutputChunk(OutputStream.Stderr, message));
        }

        _output.Writer.TryComplete();
    }

    private ValueTask HandOnAsync(OutputStream stream, byte[] buffer, int start, int end, CancellationToken cancellationToken) =>
        end > start ? _output.Writer.WriteAsync(OutputBuffers.Copy(stream, buffer.AsSpan(start, end - start)), cancellationToken) : ValueTask.CompletedTask;

    private async Task StopPumpAsync()
    {
        _stream?.Dispose();
        if (_pump is { } pump)
        {
            await pump.ConfigureAwait(false);
        }
    }

    private async Task<ProcessExit> WaitCoreAsync()
    {
        await _startSettled.Task.ConfigureAwait(false);
        State state;
        lock (_gate)
        {
            state = _state;
        }

        if (state == State.NeverStarted)
        {
            var now = _time.GetUtcNow();
            return new ProcessExit(137, false, now, now);
        }

        ContainerInspectResponse inspect;
        try
        {
            await _client.Containers.WaitContainerAsync(Id, _stopping).ConfigureAwait(false);
            inspect = await _client.Containers.InspectContainerAsync(Id, _stopping).ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException)
        {
            // Removed under us: only a forced removal (destroy, reap) does that, and it kills first.
            var now = _time.GetUtcNow();
            return new ProcessExit(137, false, now, now);
        }

        var exitCode = (int)inspect.State.ExitCode;
        if (exitCode == 0 && !string.IsNullOrEmpty(inspect.State.Error))
        {
            exitCode = 128;
        }

        // The daemon stamps StartedAt once the runtime reports the start, which can be after a quick
        // process already ended: never report a negative duration.
        var started = ParseTime(inspect.State.StartedAt);
        var finished = ParseTime(inspect.State.FinishedAt);
        return new ProcessExit(exitCode, inspect.State.OOMKilled, started, finished < started ? started : finished);
    }

    private async Task SendKillAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.Containers.KillContainerAsync(Id, new ContainerKillParameters { Signal = "KILL" }, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e) when (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            // Not running (any more) or already removed: nothing to kill.
        }
    }

    /// <summary>Docker's RFC 3339 times carry nanoseconds; .NET parses at most seven fractional digits.</summary>
    internal static DateTimeOffset ParseTime(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return DateTimeOffset.UnixEpoch;
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            if (end - dot - 1 > 7)
            {
                text = string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end));
            }
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : DateTimeOffset.UnixEpoch;
    }
}
