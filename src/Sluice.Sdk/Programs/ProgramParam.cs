using System.Collections.Immutable;
using Sluice.Model.Pipelines;

namespace Sluice.Sdk.Programs;

/// <summary>
/// A param a <see cref="PipelineProgram"/> declares: a Tekton <see cref="ParamSpec"/> and, once the program
/// runs a command, the value its command line, its environment or its default gave.
/// </summary>
public abstract class ProgramParam
{
    private ParamValue? _value;

    private protected ProgramParam(ParamSpec spec)
    {
        Spec = spec;
    }

    /// <summary>The param's name, which is also its option: <c>--name</c>.</summary>
    public string Name => Spec.Name;

    /// <summary>The declaration as Tekton writes it, with its type, description and default.</summary>
    public ParamSpec Spec { get; }

    /// <summary>The environment variable that gives the value when the command line does not: <c>SLUICE_PARAM_</c> and the name upper-cased, with <c>-</c> and <c>.</c> as <c>_</c>.</summary>
    public string EnvironmentVariable => "SLUICE_PARAM_" + Name.ToUpperInvariant().Replace('-', '_').Replace('.', '_');

    /// <summary>Whether the value is bound, which it is while the program runs a command and after.</summary>
    public bool IsBound => _value is not null;

    /// <summary>The bound value as a Tekton param value given to a run.</summary>
    /// <exception cref="InvalidOperationException">The program has not bound its command line yet.</exception>
    public Param ToParam() => new() { Name = Name, Value = BoundValue };

    /// <summary>The bound value.</summary>
    /// <exception cref="InvalidOperationException">The program has not bound its command line yet.</exception>
    private protected ParamValue BoundValue => _value
        ?? throw new InvalidOperationException($"param \"{Name}\" has no value yet: PipelineProgram.RunAsync binds the command line before it runs a command, so read params inside a command's action");

    internal void Bind(ParamValue? value) => _value = value;
}

/// <summary>A string param of a <see cref="PipelineProgram"/>.</summary>
public sealed class StringParam : ProgramParam
{
    internal StringParam(ParamSpec spec)
        : base(spec)
    {
    }

    /// <summary>The value the command line, the environment or the default gave.</summary>
    /// <exception cref="InvalidOperationException">The program has not bound its command line yet.</exception>
    public string Value => BoundValue.StringValue;
}

/// <summary>An array param of a <see cref="PipelineProgram"/>.</summary>
public sealed class ArrayParam : ProgramParam
{
    internal ArrayParam(ParamSpec spec)
        : base(spec)
    {
    }

    /// <summary>The items the command line, the environment or the default gave.</summary>
    /// <exception cref="InvalidOperationException">The program has not bound its command line yet.</exception>
    public ImmutableArray<string> Values => BoundValue.ArrayValue;
}

/// <summary>An object param of a <see cref="PipelineProgram"/>, as a Pipeline may declare one.</summary>
public sealed class ObjectParam : ProgramParam
{
    internal ObjectParam(ParamSpec spec)
        : base(spec)
    {
    }

    /// <summary>The keys and values the command line, the environment or the default gave.</summary>
    /// <exception cref="InvalidOperationException">The program has not bound its command line yet.</exception>
    public ImmutableSortedDictionary<string, string> Values => BoundValue.ObjectValue;
}
