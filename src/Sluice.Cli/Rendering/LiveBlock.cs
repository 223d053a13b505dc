using System.Text;

namespace Sluice.Cli.Rendering;

/// <summary>
/// The live block at the bottom of a terminal, under the scrolling lines: one section for each run a
/// command shows that is still going, redrawn as time passes. Every renderer of a command writes
/// through one block, so lines of runs that run at once never land inside it. On plain output there is
/// no block and every write is flushed.
/// </summary>
public sealed class LiveBlock : IDisposable
{
    private static readonly string[] Spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
    private readonly List<LiveRenderer> _runs = [];
    private readonly Timer? _ticker;
    private int _lines;

    /// <summary>Makes the block of a terminal; on a terminal a person watches, it redraws every 100 ms.</summary>
    /// <param name="terminal">Where to write.</param>
    public LiveBlock(Terminal terminal)
    {
        Terminal = terminal;
        if (terminal.IsInteractive)
        {
            _ticker = new Timer(_ => Redraw(), null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>Where the block and the lines above it go.</summary>
    public Terminal Terminal { get; }

    /// <inheritdoc />
    public void Dispose() => _ticker?.Dispose();

    /// <summary>Shows a run's section from now on.</summary>
    internal void Add(LiveRenderer run)
    {
        lock (Terminal.Sync)
        {
            _runs.Add(run);
        }
    }

    /// <summary>Takes a finished run's section away; the caller holds <see cref="Terminal.Sync"/>.</summary>
    internal void Remove(LiveRenderer run)
    {
        Clear();
        _runs.Remove(run);
    }

    /// <summary>Writes lines above the block and draws it again; the caller holds <see cref="Terminal.Sync"/>.</summary>
    internal void Write(string text)
    {
        Clear();
        Terminal.Write(text);
        Draw();
    }

    /// <summary>Erases the block so that lines can be written; the caller holds <see cref="Terminal.Sync"/>.</summary>
    internal void Clear()
    {
        if (_lines > 0)
        {
            Terminal.Write($"\e[{_lines}F\e[J");
            _lines = 0;
        }
    }

    /// <summary>Draws the sections of the runs that have started (plain output: flushes); the caller holds <see cref="Terminal.Sync"/>.</summary>
    internal void Draw()
    {
        if (!Terminal.IsInteractive)
        {
            Terminal.Flush();
            return;
        }

        var shown = _runs.Where(r => r.IsLive).ToList();
        if (shown.Count == 0)
        {
            return;
        }

        var now = DateTimeOffset.UtcNow;
        var frame = Spinner[(int)(now.ToUnixTimeMilliseconds() / 100 % Spinner.Length)];
        var height = Console.WindowHeight;
        // One run shows its latest tasks in half the screen; several share that half, each keeping at
        // least its header and one task, and runs that do not fit are counted, so the block never
        // outgrows the screen (cursor movement cannot reach above its top).
        var sections = shown.Count == 1 ? 1 : Math.Min(shown.Count, Math.Max(1, (height - 2) / 2));
        var tasks = shown.Count == 1 ? Math.Max(3, height / 2) : Math.Max(1, ((height / 2) - sections) / sections);
        var block = new StringBuilder();
        var lines = 0;
        foreach (var run in shown.Take(sections))
        {
            lines += run.AppendSection(block, now, frame, Terminal.Width - 1, tasks);
        }

        if (shown.Count > sections)
        {
            block.Append(Terminal.Paint($"  … and {shown.Count - sections} more runs", Tint.Dim)).Append('\n');
            lines++;
        }

        Terminal.Write(block.ToString());
        _lines = lines;
    }

    private void Redraw()
    {
        lock (Terminal.Sync)
        {
            if (!_runs.Any(r => r.IsLive))
            {
                return;
            }

            Clear();
            Draw();
            Terminal.Flush();
        }
    }
}
