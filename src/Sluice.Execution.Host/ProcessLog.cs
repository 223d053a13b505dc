using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Sluice.Execution.Host;

/// <summary>
/// A sandbox's <see cref="ProcessRecords.FileName"/>, kept open while the sandbox lives: a started
/// group's line is written at the end, and its first byte becomes <c>#</c> when the group has ended.
/// One write each, and no file made or removed per step (a new inode per step is what a run of many
/// short steps pays for on ext4).
/// </summary>
internal sealed class ProcessLog : IDisposable
{
    private static readonly byte[] EndedMark = [(byte)ProcessRecords.Ended];

    private readonly Lock _gate = new();
    private readonly SafeFileHandle _file;
    private long _length;

    private ProcessLog(SafeFileHandle file) => _file = file;

    /// <summary>Creates (or empties) the file at <paramref name="path"/>.</summary>
    public static ProcessLog Create(string path) =>
        new(File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.ReadWrite));

    /// <summary>Records a started group leader; returns where its line is.</summary>
    public long Append(int pid, string name)
    {
        var startTime = ProcessStat.Read(pid)?.StartTime ?? 0;
        var line = Encoding.UTF8.GetBytes(ProcessRecords.Format(pid, startTime, name));
        lock (_gate)
        {
            RandomAccess.Write(_file, line, _length);
            var offset = _length;
            _length += line.Length;
            return offset;
        }
    }

    /// <summary>Marks the group whose line is at <paramref name="offset"/> as ended.</summary>
    public void MarkEnded(long offset)
    {
        lock (_gate)
        {
            RandomAccess.Write(_file, EndedMark, offset);
        }
    }

    /// <summary>Forgets every line, for the sandbox tree's next TaskRun.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            RandomAccess.SetLength(_file, 0);
            _length = 0;
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _file.Dispose();
}
