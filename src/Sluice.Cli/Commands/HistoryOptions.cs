using System.CommandLine;

namespace Sluice.Cli.Commands;

/// <summary>Options of the commands that read or change the run history.</summary>
internal static class HistoryOptions
{
    /// <summary>The run history; every command takes it.</summary>
    public static Option<string?> Store { get; } = new("--store")
    {
        Description = "The run history: a postgres://user:password@host:port/database URL or a SQLite file (default: $SLUICE_STORE, else $SLUICE_HOME/sluice.db)",
        Recursive = true,
    };

    /// <summary>More detail on standard error; every command takes it.</summary>
    public static Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Say more on standard error: where the history is, what the opening found and reaped",
        Recursive = true,
    };

    /// <summary>The output format of list and describe.</summary>
    public static Option<string?> Output(params string[] formats) => new Option<string?>("--output", "-o")
    {
        Description = $"Output format: {string.Join(", ", formats)}",
    }.AcceptOnlyFromAmong(formats);

    /// <summary>The run argument: a name or uid.</summary>
    public static Argument<string?> Run(string description) => new("run")
    {
        Description = description,
        Arity = ArgumentArity.ZeroOrOne,
    };

    /// <summary>Takes the newest run instead of naming one.</summary>
    public static Option<bool> Last { get; } = new("--last", "-L") { Description = "The newest run instead of a named one" };
}
