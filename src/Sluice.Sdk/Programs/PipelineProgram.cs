using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Sluice.Model.Pipelines;

namespace Sluice.Sdk.Programs;

/// <summary>
/// A pipeline as a normal program: params that its command line binds, and commands that use them.
/// <code>
/// var program = new PipelineProgram("service-pipeline", "Builds, tests and publishes one .NET service.");
/// var service = program.Param("service", "The service's directory.", defaultValue: "src/hello");
/// var registry = program.Param("registry", "Where images go.");
/// program.Command("build", "Compiles the service.", async cancellationToken => Console.WriteLine(service.Value));
/// return await program.RunAsync(args);
/// </code>
/// <c>dotnet run build.cs -- build --registry registry.example</c> then runs <c>build</c> with the values bound.
/// </summary>
public sealed partial class PipelineProgram
{
    private readonly List<ProgramParam> _params = [];
    private readonly List<ProgramCommand> _commands = [];
    private string? _defaultCommand;
    private bool _bound;

    /// <summary>Starts a program with no params and no commands.</summary>
    /// <param name="name">The program's name, shown in help; usually the Pipeline's.</param>
    /// <param name="description">What the program does, shown in help.</param>
    public PipelineProgram(string name, string? description = null)
    {
        Declarations.RequireName(name, "program");
        Name = name;
        Description = description;
    }

    /// <summary>The program's name.</summary>
    public string Name { get; }

    /// <summary>What the program does.</summary>
    public string? Description { get; }

    /// <summary>The params declared so far, as Tekton writes them; <see cref="PipelineBuilder.Param(ParamSpec)"/> declares them in a Pipeline.</summary>
    public ImmutableArray<ParamSpec> Params => [.. _params.Select(p => p.Spec)];

    /// <summary>Every param's bound value, in declaration order, as the params of a run: <see cref="RunBuilder{TSelf, TResource}.Params"/> takes them.</summary>
    /// <exception cref="InvalidOperationException">The program has not bound its command line yet.</exception>
    public ImmutableArray<Param> BoundParams => _bound
        ? [.. _params.Select(p => p.ToParam())]
        : throw new InvalidOperationException($"program {Name} has not bound its params yet: PipelineProgram.RunAsync binds the command line before it runs a command, so read them inside a command's action");

    /// <summary>A program whose params are a Pipeline's, so that its command line gives a run of the Pipeline its params.</summary>
    /// <param name="pipeline">The Pipeline, built with <see cref="PipelineBuilder"/> or read from YAML; the program takes its name and description.</param>
    public static PipelineProgram FromPipeline(PipelineDefinition pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var program = new PipelineProgram(pipeline.Metadata.Name ?? "pipeline", pipeline.Spec.Description);
        foreach (var param in pipeline.Spec.Params)
        {
            program.Param(param);
        }

        return program;
    }

    /// <summary>Declares a string param, given as <c>--name VALUE</c>, <c>--name=VALUE</c> or <c>-p name=VALUE</c>.</summary>
    /// <param name="name">The param's name, as Tekton allows it: letters, digits, <c>_</c>, <c>-</c> and <c>.</c>.</param>
    /// <param name="description">What the param is for, shown in help.</param>
    /// <param name="defaultValue">The value when none is given; none makes the param required.</param>
    /// <returns>The param, whose <see cref="StringParam.Value"/> a command reads.</returns>
    public StringParam Param(string name, string? description = null, string? defaultValue = null) =>
        (StringParam)Param(Declarations.StringParam(name, defaultValue, description));

    /// <summary>Declares an array param, given as <c>--name a,b</c> (repeatable, items append) or <c>-p name=a,b</c>.</summary>
    /// <param name="name">The param's name, as Tekton allows it: letters, digits, <c>_</c>, <c>-</c> and <c>.</c>.</param>
    /// <param name="description">What the param is for, shown in help.</param>
    /// <param name="defaultValue">The items when none are given; none makes the param required.</param>
    /// <returns>The param, whose <see cref="ArrayParam.Values"/> a command reads.</returns>
    public ArrayParam ArrayParam(string name, string? description = null, IEnumerable<string>? defaultValue = null) =>
        (ArrayParam)Param(Declarations.ArrayParam(name, defaultValue, description));

    /// <summary>Declares a param as Tekton writes it, of any type; a string param's <c>enum</c> limits its values.</summary>
    /// <param name="declaration">The declaration.</param>
    /// <returns>A <see cref="StringParam"/>, <see cref="Programs.ArrayParam"/> or <see cref="ObjectParam"/>, by the declared type.</returns>
    /// <exception cref="ArgumentException">The name is not a Tekton param name, is taken by the command line itself, or is declared already.</exception>
    public ProgramParam Param(ParamSpec declaration)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        var name = declaration.Name;
        if (!ParamName().IsMatch(name))
        {
            throw new ArgumentException($"\"{name}\" is not a param name: start with a letter or _ and use letters, digits, _, - and .", nameof(declaration));
        }

        if (name is "help" or "param")
        {
            throw new ArgumentException($"a param cannot be named \"{name}\": --{name} is the program's own option", nameof(declaration));
        }

        if (_params.Any(p => p.Name == name))
        {
            throw new ArgumentException($"program {Name} already declares param \"{name}\"", nameof(declaration));
        }

        ProgramParam param = declaration.Type switch
        {
            ParamType.Array => new ArrayParam(declaration),
            ParamType.Object => new ObjectParam(declaration),
            _ => new StringParam(declaration),
        };
        _params.Add(param);
        return param;
    }

    /// <summary>A param declared before, such as one of a Pipeline given to <see cref="FromPipeline"/>.</summary>
    /// <param name="name">The param's name.</param>
    /// <exception cref="KeyNotFoundException">The program declares no param of that name.</exception>
    public ProgramParam GetParam(string name) =>
        _params.FirstOrDefault(p => p.Name == name)
            ?? throw new KeyNotFoundException($"program {Name} has no param \"{name}\"; its params are {NameList(_params.Select(p => p.Name))}");

    /// <summary>Adds a command: <c>dotnet run build.cs -- NAME</c> binds the params and runs <paramref name="action"/>.</summary>
    /// <param name="name">The command's name, such as <c>build</c> or <c>all</c>.</param>
    /// <param name="description">What the command does, shown in help.</param>
    /// <param name="action">The work; its token is cancelled by Ctrl+C.</param>
    /// <param name="isDefault">Whether the command runs when none is named (the only command always does).</param>
    /// <exception cref="ArgumentException">The name is empty, starts with <c>-</c> or is taken, or a second command claims to be the default.</exception>
    public PipelineProgram Command(string name, string description, Func<CancellationToken, Task> action, bool isDefault = false)
    {
        ArgumentNullException.ThrowIfNull(action);
        Declarations.RequireName(name, "command");
        if (name.StartsWith('-') || name.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"\"{name}\" is not a command name: it cannot start with - or hold spaces", nameof(name));
        }

        if (_commands.Any(c => c.Name == name))
        {
            throw new ArgumentException($"program {Name} already has a command \"{name}\"", nameof(name));
        }

        if (isDefault && _defaultCommand is not null)
        {
            throw new ArgumentException($"program {Name} already runs \"{_defaultCommand}\" by default; only one command can", nameof(isDefault));
        }

        _commands.Add(new ProgramCommand(name, description, action));
        _defaultCommand = isDefault ? name : _defaultCommand;
        return this;
    }

    private static string NameList(IEnumerable<string> names) => names.ToList() switch
    {
        [] => "none",
        [var one] => one,
        var many => string.Join(", ", many[..^1]) + " and " + many[^1],
    };

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.-]*$")]
    private static partial Regex ParamName();

    private sealed record ProgramCommand(string Name, string Description, Func<CancellationToken, Task> Action);
}
