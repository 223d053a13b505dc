using System.Collections.Immutable;
using Sluice.Model.Binding;

namespace Sluice.Model.Pipelines;

/// <summary>A declared param of a Task, Pipeline or StepAction.</summary>
public sealed record ParamSpec
{
    /// <summary>The param's name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary><c>string</c> (the default), <c>array</c> or <c>object</c>, as written.</summary>
    [Field("type")]
    public string? TypeName { get; init; }

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>The keys of an object param.</summary>
    public ImmutableSortedDictionary<string, PropertySpec> Properties { get; init; } = ImmutableSortedDictionary<string, PropertySpec>.Empty;

    /// <summary>The value used when none is given.</summary>
    public ParamValue? Default { get; init; }

    /// <summary>The allowed values of a string param.</summary>
    public ImmutableArray<string> Enum { get; init; } = [];

    /// <summary>
    /// The declared type; when not written, inferred as ParamSpec.SetDefaults does: <c>properties</c> make an
    /// object, otherwise the default's type, otherwise a string.
    /// </summary>
    [NotSerialized]
    public ParamType Type => TypeName switch
    {
        "array" => ParamType.Array,
        "object" => ParamType.Object,
        "string" => ParamType.String,
        _ when !Properties.IsEmpty => ParamType.Object,
        _ when Default is not null => Default.Type,
        _ => ParamType.String,
    };
}

/// <summary>The type of one key of an object param or result.</summary>
public sealed record PropertySpec
{
    /// <summary>Always <c>string</c> in Tekton v1.</summary>
    public string? Type { get; init; }
}

/// <summary>A param value given to a run or a pipeline task.</summary>
public sealed record Param
{
    /// <summary>The param's name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The value.</summary>
    [AlwaysWrite]
    public ParamValue Value { get; init; } = ParamValue.Of(string.Empty);
}
