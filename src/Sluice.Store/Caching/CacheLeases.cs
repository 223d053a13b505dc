using System.Globalization;
using System.Text;
using Sluice.Engine.Caching;
using Sluice.Oci;

namespace Sluice.Store.Caching;

/// <summary>
/// Leases on cache keys across processes, as exclusive <c>flock(2)</c> locks on one file per key under
/// a directory (<c>$SLUICE_HOME/cache/leases</c>). The kernel releases a lock when its holder dies,
/// however it dies, so a killed process never leaves a key leased. Lock files stay after release:
/// deleting one could let two processes lock two different files of one name.
/// </summary>
public sealed class CacheLeases
{
    private readonly string _directory;

    /// <summary>Keeps lock files in <paramref name="directory"/>, creating it.</summary>
    public CacheLeases(string directory)
    {
        _directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(_directory);
    }

    /// <summary>The lock file of a key.</summary>
    public string PathFor(Digest key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Path.Combine(_directory, $"{key.Algorithm}-{key.Encoded}.lock");
    }

    /// <summary>Takes the lease on a key, or returns null at once when another holder has it.</summary>
    public ICacheLease? TryAcquire(Digest key)
    {
        FileStream file;
        try
        {
            // FileShare.None is an exclusive, non-blocking flock on Unix: failing means someone holds it.
            file = new FileStream(PathFor(key), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }

        // Who holds it, for someone looking at the directory; the lock, not this text, is the lease.
        file.SetLength(0);
        file.Write(Encoding.UTF8.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n"));
        file.Flush();
        return new Lease(key, file);
    }

    /// <summary>Takes the lease on a key, waiting (polling every <paramref name="interval"/>) while another holder has it.</summary>
    public async Task<ICacheLease> AcquireAsync(Digest key, TimeSpan interval, TimeProvider time, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryAcquire(key) is { } lease)
            {
                return lease;
            }

            await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class Lease(Digest key, FileStream file) : ICacheLease
    {
        public Digest Key => key;

        public ValueTask DisposeAsync() => file.DisposeAsync();
    }
}
