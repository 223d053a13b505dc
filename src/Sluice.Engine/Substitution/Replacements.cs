using System.Collections.Immutable;
using Sluice.Model.Pipelines;
using Sluice.Model.Substitution;

namespace Sluice.Engine.Substitution;

/// <summary>
/// The three maps Tekton substitutes with: strings, arrays and objects, keyed by the text inside
/// <c>$(...)</c>. Mutable while being built, then used read-only.
/// </summary>
public sealed class Replacements
{
    /// <summary>The param key patterns Tekton accepts for a param name, including the deprecated <c>inputs.params</c>.</summary>
    private static readonly Func<string, string>[] ParamPatterns =
    [
        name => $"params.{name}",
        name => $"params[\"{name}\"]",
        name => $"params['{name}']",
        name => $"inputs.params.{name}",
    ];

    // Most sets hold only strings, and many hold nothing: the maps are made when first written.
    private static readonly Dictionary<string, string> NoStrings = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, ImmutableArray<string>> NoArrays = new(StringComparer.Ordinal);
    private Dictionary<string, string>? _strings;
    private Dictionary<string, ImmutableArray<string>>? _arrays;
    private Dictionary<string, ImmutableSortedDictionary<string, string>>? _objects;

    /// <summary>Empty replacements.</summary>
    public Replacements()
    {
    }

    private Replacements(Dictionary<string, string>? strings, Dictionary<string, ImmutableArray<string>>? arrays, Dictionary<string, ImmutableSortedDictionary<string, string>>? objects)
    {
        _strings = strings;
        _arrays = arrays;
        _objects = objects;
    }

    /// <summary>String values.</summary>
    public Dictionary<string, string> Strings => _strings ??= new(StringComparer.Ordinal);

    /// <summary>Array values.</summary>
    public Dictionary<string, ImmutableArray<string>> Arrays => _arrays ??= new(StringComparer.Ordinal);

    /// <summary>Object values.</summary>
    public Dictionary<string, ImmutableSortedDictionary<string, string>> Objects => _objects ??= new(StringComparer.Ordinal);

    /// <summary>Whether there is nothing to replace.</summary>
    public bool IsEmpty => (_strings?.Count ?? 0) == 0 && (_arrays?.Count ?? 0) == 0 && (_objects?.Count ?? 0) == 0;

    private Dictionary<string, string> ReadStrings => _strings ?? NoStrings;

    private Dictionary<string, ImmutableArray<string>> ReadArrays => _arrays ?? NoArrays;

    /// <summary>Only string replacements.</summary>
    public static Replacements OfStrings(IEnumerable<KeyValuePair<string, string>> strings)
    {
        var result = new Replacements();
        foreach (var (key, value) in strings)
        {
            result.Strings[key] = value;
        }

        return result;
    }

    /// <summary>A copy that can be changed without changing this one.</summary>
    public Replacements Clone() => new(
        _strings is null ? null : new Dictionary<string, string>(_strings, StringComparer.Ordinal),
        _arrays is null ? null : new Dictionary<string, ImmutableArray<string>>(_arrays, StringComparer.Ordinal),
        _objects is null ? null : new Dictionary<string, ImmutableSortedDictionary<string, string>>(_objects, StringComparer.Ordinal));

    /// <summary>Adds the keys of a param value under every pattern of its name (Tekton's <c>replacementsFromParams</c>).</summary>
    public void AddParam(string name, ParamValue value)
    {
        switch (value.Type)
        {
            case ParamType.Array:
                foreach (var pattern in ParamPatterns)
                {
                    var key = pattern(name);
                    for (var i = 0; i < value.ArrayValue.Length; i++)
                    {
                        Strings[$"{key}[{i}]"] = value.ArrayValue[i];
                    }

                    Arrays[key] = value.ArrayValue;
                }

                break;
            case ParamType.Object:
                foreach (var pattern in ParamPatterns)
                {
                    Objects[pattern(name)] = value.ObjectValue;
                }

                foreach (var (key, item) in value.ObjectValue)
                {
                    Strings[$"params.{name}.{key}"] = item;
                }

                break;
            default:
                foreach (var pattern in ParamPatterns)
                {
                    Strings[pattern(name)] = value.StringValue;
                }

                break;
        }
    }

    /// <summary>
    /// Merges an object value into an existing one key by key, as Tekton merges a run's object param
    /// into the declared default.
    /// </summary>
    public void MergeObjectParam(string name, ParamValue value)
    {
        foreach (var pattern in ParamPatterns)
        {
            var key = pattern(name);
            Objects[key] = Objects.TryGetValue(key, out var existing) ? existing.SetItems(value.ObjectValue) : value.ObjectValue;
        }

        foreach (var (key, item) in value.ObjectValue)
        {
            Strings[$"params.{name}.{key}"] = item;
        }
    }

    /// <summary>Whether a param name has any replacement.</summary>
    public bool HasParam(string name) =>
        _strings?.ContainsKey($"params.{name}") == true || _arrays?.ContainsKey($"params.{name}") == true || _objects?.ContainsKey($"params.{name}") == true;

    /// <summary>
    /// Replacements for a Task's params: declared defaults first (with defaults that reference other
    /// params resolved), then the run's values on top; object values merge key by key.
    /// </summary>
    public static Replacements ForTaskParams(IReadOnlyList<ParamSpec> declared, IEnumerable<Param> given)
    {
        var result = FromDefaults(declared);
        foreach (var param in given)
        {
            if (param.Value.Type == ParamType.Object && result._objects?.ContainsKey($"params.{param.Name}") == true)
            {
                result.MergeObjectParam(param.Name, param.Value);
            }
            else
            {
                result.AddParam(param.Name, param.Value);
            }
        }

        return result;
    }

    /// <summary>Tekton's <c>replacementsFromDefaultParams</c>: defaults, then defaults that reference other params.</summary>
    public static Replacements FromDefaults(IReadOnlyList<ParamSpec> declared)
    {
        var result = new Replacements();
        foreach (var spec in declared)
        {
            if (spec.Default is { } value && !value.StringValue.Contains("$(params.", StringComparison.Ordinal))
            {
                result.AddParam(spec.Name, value);
            }
        }

        foreach (var spec in declared)
        {
            if (spec.Default is not { } value || !value.StringValue.Contains("$(params.", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var expression in Variables.Expressions(value.StringValue).Where(e => e.StartsWith("params.", StringComparison.Ordinal)))
            {
                if (result.ReadStrings.TryGetValue(expression, out var referenced))
                {
                    var resolved = value.StringValue.Replace($"$({expression})", referenced, StringComparison.Ordinal);
                    result.AddParam(spec.Name, ParamValue.Of(resolved));
                    break;
                }
            }
        }

        return result;
    }

    /// <summary>Adds every entry of another set (it wins on clashes).</summary>
    public Replacements Merge(Replacements other)
    {
        foreach (var (k, v) in other.ReadStrings)
        {
            Strings[k] = v;
        }

        foreach (var (k, v) in other.ReadArrays)
        {
            Arrays[k] = v;
        }

        foreach (var (k, v) in other._objects ?? [])
        {
            Objects[k] = v;
        }

        return this;
    }

    /// <summary>Replaces in one string.</summary>
    public string Apply(string? value) => Variables.Apply(value, ReadStrings);

    /// <summary>Replaces in one optional string, keeping null.</summary>
    public string? ApplyOptional(string? value) => value is null ? null : Variables.Apply(value, ReadStrings);

    /// <summary>Replaces in a list where a whole array reference expands to several items.</summary>
    public ImmutableArray<string> ApplyArray(ImmutableArray<string> values)
    {
        if (values.IsEmpty)
        {
            return values;
        }

        var builder = ImmutableArray.CreateBuilder<string>(values.Length);
        foreach (var value in values)
        {
            builder.AddRange(Variables.ApplyArray(value, ReadStrings, ReadArrays));
        }

        return builder.ToImmutable();
    }

    /// <summary>Tekton's <c>ParamValue.ApplyReplacements</c>: a string that is exactly an array or object reference takes that type.</summary>
    public ParamValue Apply(ParamValue value)
    {
        switch (value.Type)
        {
            case ParamType.Array:
                return ParamValue.Of(ApplyArray(value.ArrayValue));
            case ParamType.Object:
                return ParamValue.Of(value.ObjectValue.Select(kv => new KeyValuePair<string, string>(kv.Key, Apply(kv.Value))));
            default:
                var text = value.StringValue;
                if (!Variables.IsExactExpression(text))
                {
                    return ParamValue.Of(Apply(text));
                }

                var key = text[2..^1];
                if (key.EndsWith("[*]", StringComparison.Ordinal))
                {
                    key = key[..^3];
                }

                var result = value;
                if (ReadStrings.ContainsKey(key))
                {
                    result = ParamValue.Of(Apply(text));
                }

                if (ReadArrays.ContainsKey(key))
                {
                    result = ParamValue.Of(Variables.ApplyArray(text, ReadStrings, ReadArrays));
                }

                if (_objects is not null && _objects.TryGetValue(key, out var obj))
                {
                    result = ParamValue.Of(obj);
                }

                return result;
        }
    }

    /// <summary>Applies to each param's value.</summary>
    public ImmutableArray<Param> Apply(ImmutableArray<Param> parameters) =>
        parameters.IsEmpty || IsEmpty ? parameters : [.. parameters.Select(p => p with { Value = Apply(p.Value) })];

    /// <summary>Applies to when expressions: input as a string, values expanding arrays.</summary>
    public ImmutableArray<WhenExpression> Apply(ImmutableArray<WhenExpression> expressions) =>
        expressions.IsEmpty || IsEmpty
            ? expressions
            : [.. expressions.Select(w => w with { Input = ApplyOptional(w.Input), Values = ApplyArray(w.Values), Cel = ApplyOptional(w.Cel) })];
}
