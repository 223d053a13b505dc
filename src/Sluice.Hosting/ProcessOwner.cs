using System.Globalization;

namespace Sluice.Hosting;

/// <summary>
/// Identifies a sluice process as the owner of what its runs create: host, pid and process start time
/// (so a reused pid is not mistaken for the owner), plus a heartbeat file for owners on other hosts.
/// </summary>
public sealed class ProcessOwner : IAsyncDisposable
{
    private static readonly TimeSpan HeartbeatPeriod = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan HeartbeatStale = TimeSpan.FromMinutes(2);
    private readonly string _file;
    private readonly Timer _heartbeat;

    private ProcessOwner(string ownersDirectory, string id)
    {
        Id = id;
        Directory.CreateDirectory(ownersDirectory);
        _file = Path.Combine(ownersDirectory, FileName(id));
        File.WriteAllText(_file, id + "\n");
        _heartbeat = new Timer(_ => Touch(), null, HeartbeatPeriod, HeartbeatPeriod);
    }

    /// <summary>This process's owner id: <c>host/pid/start-ticks</c>.</summary>
    public string Id { get; }

    /// <summary>Registers the current process as an owner.</summary>
    public static ProcessOwner Register(SluiceHome home) =>
        new(home.Owners, $"{Environment.MachineName}/{Environment.ProcessId}/{StartTicks(Environment.ProcessId)}");

    /// <summary>Whether the owner of something is gone, so what it left may be reaped.</summary>
    public static bool IsDead(string ownerId, SluiceHome home)
    {
        var parts = ownerId.Split('/');
        if (parts.Length != 3 || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var pid))
        {
            return true;
        }

        if (parts[0] == Environment.MachineName)
        {
            return StartTicks(pid) is not { } ticks || ticks.ToString(CultureInfo.InvariantCulture) != parts[2] || IsZombie(pid);
        }

        var heartbeat = new FileInfo(Path.Combine(home.Owners, FileName(ownerId)));
        return !heartbeat.Exists || DateTime.UtcNow - heartbeat.LastWriteTimeUtc > HeartbeatStale;
    }

    /// <summary>Whether an owner file names a process that is gone: something may be left to reap.</summary>
    public static bool AnyDead(SluiceHome home) =>
        Directory.Exists(home.Owners) && Directory.EnumerateFiles(home.Owners).Any(file => IsDead(File.ReadAllText(file).Trim(), home));

    /// <summary>Removes owner files of dead owners.</summary>
    public static void ForgetDead(SluiceHome home)
    {
        if (!Directory.Exists(home.Owners))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(home.Owners))
        {
            var id = File.ReadAllText(file).Trim();
            if (IsDead(id, home))
            {
                File.Delete(file);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _heartbeat.DisposeAsync().ConfigureAwait(false);
        try
        {
            File.Delete(_file);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The start time of a process in clock ticks since boot (field 22 of /proc/pid/stat), or null when it does not exist.</summary>
    public static long? StartTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[19], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>A killed process its parent has not yet waited for still has a /proc entry, but is gone.</summary>
    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] is 'Z' or 'X';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return true;
        }
    }

    private void Touch()
    {
        try
        {
            File.SetLastWriteTimeUtc(_file, DateTime.UtcNow);
        }
        catch (IOException)
        {
        }
    }

    private static string FileName(string id) => id.Replace('/', '_');
}
