using System.Collections.Concurrent;

namespace Sluice.Execution.Host;

/// <summary>
/// A thread that runs work items in order until disposed. Namespaces belong to threads, so work that
/// must happen inside one (spawning, opening sockets) is queued to the thread that joined it.
/// </summary>
internal sealed class DedicatedThread : IDisposable
{
    private readonly BlockingCollection<Action> _work = [];

    /// <summary>Starts the thread; <paramref name="name"/> shows in debuggers and /proc.</summary>
    public DedicatedThread(string name)
    {
        var thread = new Thread(() =>
        {
            foreach (var item in _work.GetConsumingEnumerable())
            {
                item();
            }
        })
        { IsBackground = true, Name = name };
        thread.Start();
    }

    /// <summary>Runs <paramref name="work"/> on the thread.</summary>
    public Task<T> RunAsync<T>(Func<T> work)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            _work.Add(() =>
            {
                try
                {
                    result.SetResult(work());
                }
                catch (Exception e)
                {
                    result.SetException(e);
                }
            });
        }
        catch (InvalidOperationException)
        {
            throw new ObjectDisposedException(nameof(DedicatedThread));
        }

        return result.Task;
    }

    /// <summary>Lets the thread finish the queued work and end.</summary>
    public void Dispose() => _work.CompleteAdding();
}
