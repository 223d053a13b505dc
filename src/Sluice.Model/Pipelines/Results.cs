using System.Collections.Immutable;
using Sluice.Model.Binding;

namespace Sluice.Model.Pipelines;

/// <summary>A result declared by a Task, or a step's result.</summary>
public sealed record TaskResult
{
    /// <summary>The result's name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary><c>string</c> (the default), <c>array</c> or <c>object</c>, as written.</summary>
    [Field("type")]
    public string? TypeName { get; init; }

    /// <summary>The keys of an object result.</summary>
    public ImmutableSortedDictionary<string, PropertySpec> Properties { get; init; } = ImmutableSortedDictionary<string, PropertySpec>.Empty;

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>A value taken from a step result, such as <c>$(steps.s.results.r)</c>.</summary>
    public ParamValue? Value { get; init; }

    /// <summary>The declared type.</summary>
    [NotSerialized]
    public ParamType Type => TypeName switch
    {
        "array" => ParamType.Array,
        "object" => ParamType.Object,
        _ when !Properties.IsEmpty => ParamType.Object,
        _ => ParamType.String,
    };
}

/// <summary>A result declared by a Pipeline, computed from its tasks' results.</summary>
public sealed record PipelineResult
{
    /// <summary>The result's name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary><c>string</c> (the default), <c>array</c> or <c>object</c>, as written.</summary>
    [Field("type")]
    public string? TypeName { get; init; }

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>The value, an expression over task results.</summary>
    [AlwaysWrite]
    public ParamValue Value { get; init; } = ParamValue.Of(string.Empty);
}

/// <summary>A result value of a run.</summary>
public sealed record RunResult
{
    /// <summary>The result's name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The type, as Tekton writes it.</summary>
    public string? Type { get; init; }

    /// <summary>The value.</summary>
    [AlwaysWrite]
    public ParamValue Value { get; init; } = ParamValue.Of(string.Empty);
}
