using System.CommandLine;
using System.CommandLine.Help;
using System.Runtime.InteropServices;

namespace Sluice.Sdk.Programs;

/// <summary>Running: parsing the command line, binding the params and running the command with the exit codes a shell expects.</summary>
public sealed partial class PipelineProgram
{
    private const int Succeeded = 0;
    private const int Failed = 1;
    private const int UsageError = 2;
    private const int Interrupted = 130;

    // A value such as @scope/package is a value, not a response file to read arguments from.
    private static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null };

    /// <summary>
    /// Parses <paramref name="args"/>, binds the params and runs the command they name, writing help and errors to
    /// the console; the first Ctrl+C (or SIGTERM) cancels the command's token, a second ends the process.
    /// </summary>
    /// <param name="args">The program's arguments, such as a file-based app's <c>args</c>.</param>
    /// <param name="cancellationToken">Cancels the command, as Ctrl+C does.</param>
    /// <returns>0 when the command (or help) succeeded, 1 when the command threw, 2 for a usage error, 130 when cancelled.</returns>
    /// <exception cref="InvalidOperationException">The program has no command.</exception>
    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken = default)
    {
        using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
        return await RunAsync(args, new ProgramConsole(), interrupted.Token);

        void Interrupt(PosixSignalContext context)
        {
            if (interrupted.IsCancellationRequested)
            {
                return;
            }

            context.Cancel = true;
            Console.Error.WriteLine($"{context.Signal}: cancelling; press Ctrl+C again to quit at once");
            interrupted.Cancel();
        }
    }

    /// <summary>
    /// Parses <paramref name="args"/>, binds the params and runs the command they name, writing help and errors to
    /// <paramref name="console"/> and reading <c>SLUICE_PARAM_*</c> from it. Installs no signal handler.
    /// </summary>
    /// <param name="args">The program's arguments.</param>
    /// <param name="console">Where help and errors go and where environment variables come from.</param>
    /// <param name="cancellationToken">Cancels the command; a command that then throws <see cref="OperationCanceledException"/> ends with 130.</param>
    /// <returns>0 when the command (or help) succeeded, 1 when the command threw, 2 for a usage error, 130 when cancelled.</returns>
    /// <exception cref="InvalidOperationException">The program has no command.</exception>
    public async Task<int> RunAsync(IReadOnlyList<string> args, ProgramConsole console, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        if (_commands.Count == 0)
        {
            throw new InvalidOperationException($"program {Name} has no command to run: add one with Command(name, description, action) before RunAsync");
        }

        Unbind();
        var syntax = BuildSyntax();
        var parse = syntax.Root.Parse(args, Parsing);
        var named = syntax.Commands.GetValueOrDefault(parse.CommandResult.Command);
        if (parse.Action is HelpAction)
        {
            await WriteHelpAsync(named, console.Output, cancellationToken);
            return Succeeded;
        }

        var errors = ParseErrors(parse, syntax);
        if (errors.Count > 0)
        {
            return Usage(console, errors);
        }

        if ((named ?? DefaultCommand()) is not { } command)
        {
            await WriteHelpAsync(null, console.Error, cancellationToken);
            return Usage(console, [$"name a command to run: {NameList(_commands.Select(c => c.Name))}, such as {Name} {_commands[0].Name}"]);
        }

        errors = Bind(parse, syntax, console.Environment);
        if (errors.Count > 0)
        {
            return Usage(console, errors);
        }

        return await RunCommandAsync(command, console, cancellationToken);
    }

    private async Task WriteHelpAsync(ProgramCommand? command, TextWriter writer, CancellationToken cancellationToken)
    {
        var syntax = BuildSyntax(forHelp: true);
        if (writer != Console.Out && writer != Console.Error && syntax.Root.Options.OfType<HelpOption>().Single().Action is HelpAction action)
        {
            // The parser wraps help at the terminal's width; text that goes elsewhere must not depend on it.
            action.MaxWidth = int.MaxValue;
        }

        var help = syntax.Root.Parse(command is null ? ["--help"] : [command.Name, "--help"]);
        await help.InvokeAsync(new InvocationConfiguration { Output = writer, Error = writer }, cancellationToken);
    }

    private static int Usage(ProgramConsole console, IEnumerable<string> errors)
    {
        foreach (var error in errors)
        {
            console.Error.WriteLine($"error: {error}");
        }

        return UsageError;
    }

    private static async Task<int> RunCommandAsync(ProgramCommand command, ProgramConsole console, CancellationToken cancellationToken)
    {
        try
        {
            await command.Action(cancellationToken);
            return Succeeded;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.Error.WriteLine($"{command.Name}: cancelled");
            return Interrupted;
        }
        catch (Exception e)
        {
            console.Error.WriteLine($"error: {command.Name} failed: {e.Message}");
            return Failed;
        }
    }

    private ProgramCommand? DefaultCommand() =>
        _commands.FirstOrDefault(c => c.Name == _defaultCommand) ?? (_commands.Count == 1 ? _commands[0] : null);

    private void Unbind()
    {
        _bound = false;
        foreach (var param in _params)
        {
            param.Bind(null);
        }
    }
}
