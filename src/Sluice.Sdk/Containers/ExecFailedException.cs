using System.Collections.Immutable;

namespace Sluice.Sdk.Containers;

/// <summary>An exec exited with a code other than 0; the values that depend on it cannot be evaluated.</summary>
public sealed class ExecFailedException : Exception
{
    /// <summary>How much of the end of stderr the message and <see cref="StderrTail"/> keep.</summary>
    public const int TailLength = 4096;

    /// <summary>Describes a failed exec.</summary>
    public ExecFailedException(ImmutableArray<string> args, int exitCode, string stderr)
        : this(args, exitCode, stderr, string.Empty)
    {
    }

    /// <summary>Describes a failed exec; its stdout stands in for an empty stderr, as tools such as <c>dotnet</c> report errors there.</summary>
    public ExecFailedException(ImmutableArray<string> args, int exitCode, string stderr, string stdout)
        : base(Describe(args, exitCode, Tail(stderr), Tail(stdout)))
    {
        Args = args;
        ExitCode = exitCode;
        StderrTail = Tail(stderr);
        StdoutTail = Tail(stdout);
    }

    /// <summary>The program and its arguments.</summary>
    public ImmutableArray<string> Args { get; }

    /// <summary>The exit code.</summary>
    public int ExitCode { get; }

    /// <summary>The last <see cref="TailLength"/> characters of the standard error.</summary>
    public string StderrTail { get; }

    /// <summary>The last <see cref="TailLength"/> characters of the standard output.</summary>
    public string StdoutTail { get; }

    private static string Tail(string text) => text.Length > TailLength ? text[^TailLength..] : text;

    private static string Describe(ImmutableArray<string> args, int exitCode, string stderr, string stdout)
    {
        var command = string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a));
        var (stream, end) = stderr.TrimEnd() is { Length: > 0 } errors ? ("stderr", errors) : ("stdout", stdout.TrimEnd());
        return end.Length == 0
            ? $"exec {command} exited with code {exitCode} and wrote nothing to stderr or stdout"
            : $"exec {command} exited with code {exitCode}; the end of its {stream}:\n{end}";
    }
}
