using System.Buffers;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using Sluice.Engine.Execution;

namespace Sluice.Execution.Host;

/// <summary>
/// A step, sidecar or probe as a host process group. Output goes through a bounded channel: a step
/// that prints faster than the engine reads waits on its pipe, as it would on a container's attach
/// stream; a sidecar, whose output may never be read, keeps only its latest output instead.
/// </summary>
internal sealed class HostStepProcess : IStepProcess
{
    /// <summary>Chunks held per process before the writer waits (or, for sidecars, the oldest go).</summary>
    private const int BufferedChunks = 64;

    private const int ReadSize = 64 * 1024;
    private const int KilledExitCode = 128 + Posix.SigKill;

    private static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(1);

    private readonly StepLaunch _launch;
    private readonly HostSandbox _sandbox;
    private readonly TimeProvider _time;
    private readonly Channel<OutputChunk> _output;
    private readonly TaskCompletionSource<ProcessExit> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Completed by the reaper; FinishAsync continues inline on that thread, saving a pool hop.
    private readonly TaskCompletionSource<int> _reaped = new();
    private readonly CancellationTokenSource _stopReading = new();
    private readonly Lock _gate = new();
    private Child? _child;
    private Task _readers = Task.CompletedTask;
    private bool _started;
    private bool _killed;
    private int _tailed;
    private int _openStreams = 2;

    public HostStepProcess(StepLaunch launch, HostSandbox sandbox, TimeProvider time, bool keepLatestOutput)
    {
        _launch = launch;
        _sandbox = sandbox;
        _time = time;
        _output = Channel.CreateBounded<OutputChunk>(new BoundedChannelOptions(BufferedChunks)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = keepLatestOutput ? BoundedChannelFullMode.DropOldest : BoundedChannelFullMode.Wait,
        });
    }

    /// <inheritdoc/>
    public string Name => _launch.Name;

    /// <summary>Completes when the process has ended.</summary>
    public Task<ProcessExit> Exited => _exit.Task;

    /// <inheritdoc/>
    public async ValueTask StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var startedAt = _time.GetUtcNow();
        lock (_gate)
        {
            if (_started)
            {
                throw new InvalidOperationException($"{Name} was started already");
            }

            _started = true;
            if (_killed)
            {
                _output.Writer.TryComplete();
                _exit.TrySetResult(new ProcessExit(KilledExitCode, false, startedAt, startedAt));
                return;
            }
        }

        try
        {
            _sandbox.ThrowIfDestroyed();
            _launch.PrepareMounts();
        }
        catch (Exception e) when (e is SandboxConfigurationException or ObjectDisposedException or IOException)
        {
            // It never starts: whoever waits learns why instead of waiting forever.
            _output.Writer.TryComplete();
            _exit.TrySetException(e);
            throw;
        }

        Child child;
        try
        {
            child = await _launch.SpawnAsync(status => _reaped.TrySetResult(status)).ConfigureAwait(false);
        }
        catch (Win32Exception e)
        {
            // What a container runtime reports for a program it cannot execute: a message and 127.
            _output.Writer.TryWrite(new OutputChunk(OutputStream.Stderr, Encoding.UTF8.GetBytes($"sluice: {e.Message}\n")));
            _output.Writer.TryComplete();
            _exit.TrySetResult(new ProcessExit(127, false, startedAt, _time.GetUtcNow()));
            return;
        }

        long? record;
        try
        {
            record = _sandbox.Record(child.Pid, Name);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The sandbox is being destroyed: a process nobody could find later must not stay.
            record = null;
            Kill(child);
        }

        lock (_gate)
        {
            _child = child;
            _readers = Task.WhenAll(ReadAsync(child.Stdout, OutputStream.Stdout), ReadAsync(child.Stderr, OutputStream.Stderr));

            // A kill that came while the process was being spawned.
            if (_killed)
            {
                Kill(child);
            }
        }

        _ = FinishAsync(record, startedAt);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<OutputChunk> TailAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _tailed, 1) != 0)
        {
            throw new InvalidOperationException($"the output of {Name} can be enumerated once");
        }

        await foreach (var chunk in OutputBuffers.ReadAllAsync(_output.Reader, cancellationToken).ConfigureAwait(false))
        {
            yield return chunk;
        }
    }

    /// <inheritdoc/>
    public ValueTask<ProcessExit> WaitAsync(CancellationToken cancellationToken) => new(_exit.Task.WaitAsync(cancellationToken));

    /// <inheritdoc/>
    public ValueTask KillAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _killed = true;
            if (_child is { } child)
            {
                Kill(child);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await KillAsync(CancellationToken.None).ConfigureAwait(false);
        bool started;
        lock (_gate)
        {
            started = _child is not null;
        }

        if (started)
        {
            await _exit.Task.ConfigureAwait(false);

            // Output still in the pipes is kept, unless nobody reads and the buffer is full.
            await _readers.WaitAsync(DrainGrace).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _stopReading.CancelAsync().ConfigureAwait(false);
        _output.Writer.TryComplete();
    }

    private async Task ReadAsync(Stream stream, OutputStream kind)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, ReadSize), _stopReading.Token).ConfigureAwait(false)) > 0)
            {
                await _output.Writer.WriteAsync(OutputBuffers.Copy(kind, buffer.AsSpan(0, read)), _stopReading.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
        catch (ChannelClosedException)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            await stream.DisposeAsync().ConfigureAwait(false);
            if (Interlocked.Decrement(ref _openStreams) == 0)
            {
                _output.Writer.TryComplete();

                // Every process of the step has closed its output: the leader has most likely ended.
                if (_child is { } child)
                {
                    ChildProcesses.TryReap(child.Pid);
                }
            }
        }
    }

    private void Kill(Child child)
    {
        if (ChildProcesses.KillGroup(child.Pid))
        {
            _sandbox.MarkUnclean();
        }
    }

    private async Task FinishAsync(long? record, DateTimeOffset startedAt)
    {
        var status = await _reaped.Task.ConfigureAwait(false);
        if ((status & 0x7f) != 0)
        {
            _sandbox.MarkUnclean();
        }

        // Before the exit is known: the sandbox may be destroyed, and its records cleared, right after.
        if (record is { } offset)
        {
            try
            {
                _sandbox.Ended(offset);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                _sandbox.MarkUnclean();
            }
        }

        _sandbox.Forget(this);
        _exit.TrySetResult(new ProcessExit(Posix.ExitCode(status), false, startedAt, _time.GetUtcNow()));
    }
}
