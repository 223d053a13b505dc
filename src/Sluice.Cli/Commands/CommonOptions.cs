using System.CommandLine;

namespace Sluice.Cli.Commands;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    public static Option<string[]> Config { get; } = new("--config")
    {
        Description = "A sluice.yaml to merge over $SLUICE_HOME/sluice.yaml and ./sluice.yaml (repeatable)",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<string[]> ImageMap { get; } = new("--image-map")
    {
        Description = "Rewrite an image reference: FROM=TO (repeatable; wins over sluice.yaml)",
    };

    public static Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "Print only the outcome, no step logs" };

    public static Option<bool> NoColor { get; } = new("--no-color") { Description = "Plain output without colours (also NO_COLOR)" };

    /// <summary>Whether problems printed on standard error may be coloured: a terminal, and neither --no-color nor NO_COLOR.</summary>
    public static bool ColorOnStderr(ParseResult parse) =>
        !parse.GetValue(NoColor) && !Console.IsErrorRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    public static Argument<string[]> Files(string description) => new("files")
    {
        Description = description,
        Arity = ArgumentArity.OneOrMore,
    };
}
