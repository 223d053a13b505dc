using Sluice.Sdk.Programs;

namespace Sluice.Sdk.Tests.Programs;

/// <summary>What a program run printed and returned, captured without the process's console or environment.</summary>
internal sealed record ProgramOutcome(int ExitCode, string Output, string Error);

internal static class ProgramHarness
{
    public static Task<ProgramOutcome> CaptureAsync(this PipelineProgram program, string[] args, IReadOnlyDictionary<string, string>? environment = null) =>
        program.CaptureUntilAsync(args, environment, TestContext.Current.CancellationToken);

    /// <summary>Runs the program until it ends or <paramref name="cancellationToken"/> cancels it, as Ctrl+C would.</summary>
    public static async Task<ProgramOutcome> CaptureUntilAsync(this PipelineProgram program, string[] args, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = new ProgramConsole
        {
            Output = output,
            Error = error,
            Environment = name => environment?.GetValueOrDefault(name),
        };
        var exitCode = await program.RunAsync(args, console, cancellationToken);
        return new ProgramOutcome(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>The program of docs/sdk.md: three params, two of them with defaults, and the commands it names.</summary>
    public static (PipelineProgram Program, StringParam Service, StringParam Registry, ArrayParam Platforms) ServicePipeline(List<string>? ran = null)
    {
        var program = new PipelineProgram("service-pipeline", "Builds, tests and publishes one .NET service.");
        var service = program.Param("service", "The service's directory.", defaultValue: "src/hello");
        var registry = program.Param("registry", "Where images go.");
        var platforms = program.ArrayParam("platforms", "Target platforms.", ["linux/amd64", "linux/arm64"]);
        foreach (var name in new[] { "build", "test", "all" })
        {
            program.Command(name, $"Runs {name}.", _ =>
            {
                ran?.Add(name);
                return Task.CompletedTask;
            });
        }

        return (program, service, registry, platforms);
    }
}
