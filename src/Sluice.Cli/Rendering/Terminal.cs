using System.Text;

namespace Sluice.Cli.Rendering;

/// <summary>Where output goes and how it may look: a live TTY with colours, or plain lines.</summary>
public sealed class Terminal
{
    private readonly Stream _stdout;
    private readonly Lock _lock = new();

    /// <summary>Makes a terminal over the process's standard output.</summary>
    public Terminal(bool? interactive = null, bool? color = null)
    {
        _stdout = Console.OpenStandardOutput();
        IsInteractive = interactive ?? (!Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") is not "dumb");
        UseColor = color ?? (IsInteractive && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")));
    }

    /// <summary>Makes a terminal that writes to a stream (tests).</summary>
    public Terminal(Stream output, bool interactive, bool color)
    {
        _stdout = output;
        IsInteractive = interactive;
        UseColor = color;
    }

    /// <summary>Whether output is a terminal a person watches (live status, cursor movement).</summary>
    public bool IsInteractive { get; }

    /// <summary>Whether to use ANSI colours.</summary>
    public bool UseColor { get; }

    /// <summary>The width of the terminal, or 120 when unknown.</summary>
    public int Width
    {
        get
        {
            if (!IsInteractive)
            {
                return 120;
            }

            try
            {
                return Math.Max(40, Console.WindowWidth);
            }
            catch (IOException)
            {
                return 120;
            }
        }
    }

    /// <summary>The lock that keeps writes whole.</summary>
    public Lock Sync => _lock;

    /// <summary>Writes text as UTF-8.</summary>
    public void Write(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        _stdout.Write(bytes, 0, bytes.Length);
    }

    /// <summary>Writes bytes as they are.</summary>
    public void Write(ReadOnlySpan<byte> bytes) => _stdout.Write(bytes);

    /// <summary>Flushes.</summary>
    public void Flush() => _stdout.Flush();

    /// <summary>Wraps text in an ANSI colour when colours are on.</summary>
    public string Paint(string text, Tint tint) => UseColor && tint != Tint.None ? $"\e[{(int)tint}m{text}\e[0m" : text;
}

/// <summary>ANSI colour codes used by the renderer.</summary>
public enum Tint
{
    /// <summary>No colour.</summary>
    None = 0,

    /// <summary>Dim text.</summary>
    Dim = 2,

    /// <summary>Red.</summary>
    Red = 31,

    /// <summary>Green.</summary>
    Green = 32,

    /// <summary>Yellow.</summary>
    Yellow = 33,

    /// <summary>Blue.</summary>
    Blue = 34,

    /// <summary>Magenta.</summary>
    Magenta = 35,

    /// <summary>Cyan.</summary>
    Cyan = 36,

    /// <summary>Bold.</summary>
    Bold = 1,
}
