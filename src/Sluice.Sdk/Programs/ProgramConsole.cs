namespace Sluice.Sdk.Programs;

/// <summary>
/// Where a <see cref="PipelineProgram"/> writes help and errors and where it reads <c>SLUICE_PARAM_*</c>
/// variables: by default the process's console and environment; tests and hosts give their own.
/// </summary>
public sealed record ProgramConsole
{
    /// <summary>Where help goes (standard output by default).</summary>
    public TextWriter Output { get; init; } = Console.Out;

    /// <summary>Where errors go (standard error by default).</summary>
    public TextWriter Error { get; init; } = Console.Error;

    /// <summary>Reads an environment variable, or gives null when it is not set (the process's environment by default).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;
}
