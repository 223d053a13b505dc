using System.Globalization;
using System.Text;

namespace Sluice.Execution.Host;

/// <summary>What <c>/proc/&lt;pid&gt;/stat</c> says about a process.</summary>
/// <param name="State">The state letter (<c>R</c>, <c>S</c>, <c>Z</c>...).</param>
/// <param name="ProcessGroup">Its process group.</param>
/// <param name="Session">Its session.</param>
/// <param name="StartTime">When it started, in clock ticks after boot.</param>
internal readonly record struct ProcessStat(char State, int ProcessGroup, int Session, ulong StartTime)
{
    // A stat line is some 300 bytes with a 16-byte name; 1 KiB leaves room for a future kernel's fields.
    private const int StatBufferSize = 1024;

    /// <summary>Whether it still runs (a zombie has ended and only waits to be reaped).</summary>
    public bool IsAlive => State != 'Z' && State != 'X';

    /// <summary>Reads a process's stat, or null when there is no such process.</summary>
    public static unsafe ProcessStat? Read(int pid)
    {
        // One open, read and close: this runs for every step started and for every pid a reap scans.
        var buffer = stackalloc byte[StatBufferSize];
        var fd = Posix.OpenAt(Posix.AtFdCwd, string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/stat"), Posix.ORdOnly | Posix.OCloexec, 0);
        if (fd < 0)
        {
            return null;
        }

        nint read;
        try
        {
            read = Posix.Read(fd, buffer, StatBufferSize);
        }
        finally
        {
            Posix.Close(fd);
        }

        if (read <= 0)
        {
            return null;
        }

        // The command name may hold spaces and parentheses; the fields after the last ')' are fixed.
        var text = Encoding.UTF8.GetString(buffer, (int)read);
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return new ProcessStat(
            fields[0][0],
            int.Parse(fields[2], CultureInfo.InvariantCulture),
            int.Parse(fields[3], CultureInfo.InvariantCulture),
            ulong.Parse(fields[19], CultureInfo.InvariantCulture));
    }
}

/// <summary>
/// One file per sandbox (<c>.processes</c>, a name no volume can take, see
/// <see cref="LocalVolumes.SafeName"/>) with a line per process group started in it, naming the
/// leader's pid, start time and the boot it belongs to, so that a later process can kill what a dead
/// owner left without ever signalling a pid the kernel has handed to someone else. The line of a group
/// that has ended starts with <c>#</c> (see <see cref="ProcessLog"/>).
/// </summary>
internal static class ProcessRecords
{
    /// <summary>The record file in a sandbox's directory.</summary>
    public const string FileName = ".processes";

    /// <summary>How the line of a group that has ended starts.</summary>
    public const char Ended = '#';

    private static readonly Lazy<string> CurrentBoot = new(() => File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim());

    /// <summary>The text of a record.</summary>
    public static string Format(int pid, ulong startTime, string name) =>
        string.Create(CultureInfo.InvariantCulture, $"{pid} {startTime} {CurrentBoot.Value} {name}\n");

    /// <summary>
    /// SIGKILLs the process groups recorded under a run directory that still run, waits (up to
    /// <paramref name="grace"/>) for them to end, and returns how many groups were killed.
    /// </summary>
    public static async ValueTask<int> KillLeftoversAsync(string runDirectory, TimeSpan grace, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(runDirectory))
        {
            return 0;
        }

        var killed = new List<int>();
        foreach (var sandbox in Directory.EnumerateDirectories(runDirectory))
        {
            var records = Path.Combine(sandbox, FileName);
            foreach (var record in File.Exists(records) ? File.ReadAllLines(records) : [])
            {
                if (!record.StartsWith(Ended) &&
                    TryParse(record, out var pid, out var startTime, out var boot) &&
                    boot == CurrentBoot.Value &&
                    KillGroup(pid, startTime))
                {
                    killed.Add(pid);
                }
            }
        }

        var deadline = time.GetUtcNow() + grace;
        while (killed.Any(GroupRuns) && time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), time, cancellationToken).ConfigureAwait(false);
        }

        return killed.Count;
    }

    private static bool KillGroup(int leader, ulong startTime)
    {
        if (ProcessStat.Read(leader) is { } stat)
        {
            // A live pid with another start time is someone else's: never signal it.
            if (stat.StartTime != startTime || stat.ProcessGroup != leader || !stat.IsAlive)
            {
                return false;
            }

            return Posix.Kill(-leader, Posix.SigKill) == 0;
        }

        // The leader is gone but members may remain. While any member lives the kernel does not hand
        // the number out again, so members of this group that started after the leader are ours.
        var any = false;
        foreach (var member in Members(leader))
        {
            if (ProcessStat.Read(member) is { IsAlive: true } memberStat && memberStat.StartTime >= startTime)
            {
                any |= Posix.Kill(member, Posix.SigKill) == 0;
            }
        }

        return any;
    }

    private static bool GroupRuns(int leader) =>
        ProcessStat.Read(leader) is { IsAlive: true } || Members(leader).Any(m => ProcessStat.Read(m) is { IsAlive: true });

    private static IEnumerable<int> Members(int group)
    {
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) &&
                ProcessStat.Read(pid) is { } stat &&
                stat.ProcessGroup == group &&
                stat.Session == group)
            {
                yield return pid;
            }
        }
    }

    private static bool TryParse(string text, out int pid, out ulong startTime, out string boot)
    {
        var fields = text.Split(' ', 4);
        boot = fields.Length >= 3 ? fields[2] : string.Empty;
        startTime = 0;
        pid = 0;
        return fields.Length >= 3 &&
            int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out pid) &&
            ulong.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out startTime) &&
            pid > 1;
    }
}
