using System.CommandLine;
using Sluice.Cli.Commands;

namespace Sluice.Cli.Tests;

/// <summary>What one in-process <c>sluice</c> invocation printed and returned.</summary>
internal sealed record CommandOutcome(int ExitCode, string Stdout, string Stderr)
{
    public IReadOnlyList<string> StderrLines => Stderr.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');
}

/// <summary>
/// Runs <c>sluice</c> in this process through the same System.CommandLine root and commands as
/// <c>Program.cs</c>, with standard output and error captured. The commands write to <see cref="Console"/>,
/// which is global, so invocations take turns.
/// </summary>
internal static class SluiceCommandLine
{
    private static readonly SemaphoreSlim Turn = new(1, 1);

    private static readonly RootCommand Root = new("Sluice runs Tekton v1 Tasks and Pipelines on a machine with only Docker.")
    {
        RunCommand.Create(),
        ValidateCommand.Create(),
        CatalogCommand.Create(),
    };

    public static Task<CommandOutcome> InvokeAsync(params string[] args) => InvokeWithInputAsync(string.Empty, args);

    /// <summary>Runs <c>sluice ARGS</c> with <paramref name="input"/> as its standard input.</summary>
    public static async Task<CommandOutcome> InvokeWithInputAsync(string input, params string[] args)
    {
        await Turn.WaitAsync(TestContext.Current.CancellationToken);
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var (previousOut, previousError, previousIn) = (Console.Out, Console.Error, Console.In);
        try
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
            Console.SetIn(new StringReader(input));
            var configuration = new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null };
            var exitCode = await Root.Parse(args).InvokeAsync(configuration, TestContext.Current.CancellationToken);
            return new CommandOutcome(exitCode, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(previousOut);
            Console.SetError(previousError);
            Console.SetIn(previousIn);
            Turn.Release();
        }
    }
}
