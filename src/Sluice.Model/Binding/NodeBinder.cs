using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using Sluice.Model.Diagnostics;
using Sluice.Model.Kubernetes;
using Sluice.Model.Pipelines;
using Sluice.Model.Yaml;

namespace Sluice.Model.Binding;

/// <summary>
/// Binds YAML nodes to the model's records. Unknown fields and wrong types are reported with their
/// position and field path, and binding goes on so that every problem is found in one pass.
/// </summary>
internal sealed class NodeBinder(DiagnosticBag diagnostics, SourceMap sourceMap)
{
    /// <summary>More nodes than this in one document (counting alias re-use) is refused: it is an alias bomb.</summary>
    public const int MaxNodes = 1_000_000;

    private static readonly MethodInfo BindArrayMethod = typeof(NodeBinder).GetMethod(nameof(BindArray), BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly MethodInfo BindDictionaryMethod = typeof(NodeBinder).GetMethod(nameof(BindDictionary), BindingFlags.NonPublic | BindingFlags.Instance)!;

    private int _visited;
    private bool _budgetReported;

    public T? Bind<T>(YamlNode node, string path)
        where T : class => (T?)BindValue(typeof(T), node, path, null, null);

    public object? BindRecord(Type type, YamlMapping mapping, string path, ISet<string>? skipFields = null) =>
        Spend(mapping) ? BindObject(TypeShape.For(type), mapping, path, skipFields) : null;

    private bool Spend(YamlNode node)
    {
        if (++_visited <= MaxNodes)
        {
            return true;
        }

        if (!_budgetReported)
        {
            _budgetReported = true;
            diagnostics.Add(
                node.Location,
                string.Empty,
                $"the document expands to more than {MaxNodes:N0} nodes through YAML aliases",
                "write the document without recursive aliases");
        }

        return false;
    }

    private object? BindValue(Type type, YamlNode node, string path, object? owner, string? field)
    {
        if (!Spend(node))
        {
            return null;
        }

        if (node is YamlScalar { Kind: ScalarKind.Null })
        {
            return null;
        }

        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string))
        {
            return BindString(node, path);
        }

        if (underlying == typeof(bool))
        {
            return node is YamlScalar { Kind: ScalarKind.Boolean } b ? ScalarResolver.IsTrue(b.Value) : Mismatch(node, path, "a boolean", "write true or false");
        }

        if (underlying == typeof(int) || underlying == typeof(long))
        {
            return BindInteger(underlying, node, path);
        }

        if (underlying == typeof(Duration))
        {
            return BindDuration(node, path);
        }

        if (underlying == typeof(IntOrString))
        {
            return node is YamlScalar { Kind: ScalarKind.Integer or ScalarKind.String } s
                ? new IntOrString(s.Value, s.Kind == ScalarKind.Integer)
                : Mismatch(node, path, "a number or a name", null);
        }

        if (underlying == typeof(ParamValue))
        {
            return BindParamValue(node, path);
        }

        if (typeof(JsonNode).IsAssignableFrom(underlying))
        {
            var json = ToJson(node);
            return underlying == typeof(JsonObject) && json is not JsonObject ? Mismatch(node, path, "a mapping", null) : json;
        }

        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(ImmutableArray<>))
        {
            return BindArrayMethod.MakeGenericMethod(underlying.GetGenericArguments()[0]).Invoke(this, [node, path, owner, field]);
        }

        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(ImmutableSortedDictionary<,>))
        {
            return BindDictionaryMethod.MakeGenericMethod(underlying.GetGenericArguments()[1]).Invoke(this, [node, path]);
        }

        if (TypeShape.IsRecord(underlying))
        {
            return node is YamlMapping mapping ? BindObject(TypeShape.For(underlying), mapping, path, null) : Mismatch(node, path, "a mapping", null);
        }

        throw new InvalidOperationException($"no binding for {underlying}");
    }

    private object BindObject(TypeShape shape, YamlMapping mapping, string path, ISet<string>? skipFields)
    {
        var instance = shape.Create();
        sourceMap.RecordObject(instance, mapping.Location);
        Dictionary<FieldShape, object>? inlined = null;
        foreach (var (key, value) in mapping.Entries)
        {
            if (skipFields?.Contains(key.Value) == true)
            {
                continue;
            }

            var fieldPath = Join(path, key.Value);
            if (!shape.ByName.TryGetValue(key.Value, out var target) && !shape.ByNameIgnoringCase.TryGetValue(key.Value, out target))
            {
                diagnostics.Add(key.Location, fieldPath, $"unknown field \"{key.Value}\"", Suggest(key.Value, shape.ByName.Keys));
                continue;
            }

            var holder = instance;
            if (target.Inline is { } inline)
            {
                inlined ??= [];
                if (!inlined.TryGetValue(inline, out var inner))
                {
                    inner = TypeShape.For(inline.Property.PropertyType).Create();
                    sourceMap.RecordObject(inner, mapping.Location);
                    inlined[inline] = inner;
                }

                holder = inner;
            }

            sourceMap.RecordField(holder, target.Field.Name, key.Location);
            var bound = BindValue(target.Field.Property.PropertyType, value, fieldPath, holder, target.Field.Name);
            if (bound is not null)
            {
                target.Field.Property.SetValue(holder, bound);
            }
        }

        if (inlined is not null)
        {
            foreach (var (inline, inner) in inlined)
            {
                inline.Property.SetValue(instance, inner);
            }
        }

        return instance;
    }

    private ImmutableArray<T>? BindArray<T>(YamlNode node, string path, object? owner, string? field)
    {
        if (node is not YamlSequence sequence)
        {
            Mismatch(node, path, "a list", typeof(T) == typeof(string) ? "write the value as a list: [value]" : null);
            return null;
        }

        var builder = ImmutableArray.CreateBuilder<T>(sequence.Items.Length);
        for (var i = 0; i < sequence.Items.Length; i++)
        {
            var item = sequence.Items[i];
            var itemPath = $"{path}[{i}]";
            if (owner is not null && field is not null)
            {
                sourceMap.RecordItem(owner, field, i, item.Location);
            }

            if (item is YamlScalar { Kind: ScalarKind.Null })
            {
                if (typeof(T) == typeof(string))
                {
                    builder.Add((T)(object)string.Empty);
                }

                continue;
            }

            if (BindValue(typeof(T), item, itemPath, null, null) is T value)
            {
                builder.Add(value);
            }
        }

        return builder.ToImmutable();
    }

    private ImmutableSortedDictionary<string, T>? BindDictionary<T>(YamlNode node, string path)
    {
        if (node is not YamlMapping mapping)
        {
            Mismatch(node, path, "a mapping", null);
            return null;
        }

        var builder = ImmutableSortedDictionary.CreateBuilder<string, T>(StringComparer.Ordinal);
        foreach (var (key, value) in mapping.Entries)
        {
            if (value is YamlScalar { Kind: ScalarKind.Null } && typeof(T) == typeof(string))
            {
                builder[key.Value] = (T)(object)string.Empty;
                continue;
            }

            if (BindValue(typeof(T), value, Join(path, key.Value), null, null) is T bound)
            {
                builder[key.Value] = bound;
            }
        }

        return builder.ToImmutable();
    }

    private string? BindString(YamlNode node, string path)
    {
        if (node is YamlScalar { Kind: ScalarKind.String } scalar)
        {
            return scalar.Value;
        }

        var fix = node is YamlScalar s ? $"quote it: \"{s.Value}\"" : null;
        Mismatch(node, path, "a string", fix);
        return null;
    }

    private object? BindInteger(Type type, YamlNode node, string path)
    {
        if (node is YamlScalar { Kind: ScalarKind.Integer } scalar && ScalarResolver.TryParseInteger(scalar.Value, out var value))
        {
            if (type == typeof(int))
            {
                if (value is < int.MinValue or > int.MaxValue)
                {
                    diagnostics.Add(node.Location, path, $"{scalar.Value} is out of range for a 32-bit integer");
                    return null;
                }

                return (int)value;
            }

            return value;
        }

        return Mismatch(node, path, "an integer", node is YamlScalar { Kind: ScalarKind.String } str && long.TryParse(str.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? "remove the quotes" : null);
    }

    private object? BindDuration(YamlNode node, string path)
    {
        if (node is YamlScalar scalar && scalar.Kind is ScalarKind.String or ScalarKind.Integer)
        {
            if (Duration.TryParse(scalar.Value, out var duration))
            {
                return duration;
            }

            diagnostics.Add(node.Location, path, $"time: invalid duration \"{scalar.Value}\"", "write a Go duration such as 90s, 10m or 1h30m");
            return null;
        }

        return Mismatch(node, path, "a duration string", "write a Go duration such as 90s, 10m or 1h30m");
    }

    private ParamValue? BindParamValue(YamlNode node, string path)
    {
        switch (node)
        {
            case YamlScalar scalar:
                return ParamValue.Of(scalar.Value);
            case YamlSequence sequence:
            {
                var items = new List<string>(sequence.Items.Length);
                for (var i = 0; i < sequence.Items.Length; i++)
                {
                    if (!Spend(sequence.Items[i]))
                    {
                        return null;
                    }

                    if (sequence.Items[i] is YamlScalar { Kind: ScalarKind.String } item)
                    {
                        items.Add(item.Value);
                    }
                    else
                    {
                        Mismatch(sequence.Items[i], $"{path}[{i}]", "a string (array values hold strings)", sequence.Items[i] is YamlScalar s ? $"quote it: \"{s.Value}\"" : null);
                    }
                }

                return ParamValue.Of(items);
            }

            case YamlMapping mapping:
            {
                var entries = new List<KeyValuePair<string, string>>(mapping.Entries.Length);
                foreach (var (key, value) in mapping.Entries)
                {
                    if (!Spend(value))
                    {
                        return null;
                    }

                    if (value is YamlScalar { Kind: ScalarKind.String } s)
                    {
                        entries.Add(new(key.Value, s.Value));
                    }
                    else if (value is YamlScalar { Kind: ScalarKind.Null })
                    {
                        entries.Add(new(key.Value, string.Empty));
                    }
                    else
                    {
                        Mismatch(value, Join(path, key.Value), "a string (object values hold strings)", value is YamlScalar v ? $"quote it: \"{v.Value}\"" : null);
                    }
                }

                return ParamValue.Of(entries);
            }

            default:
                return null;
        }
    }

    private JsonNode? ToJson(YamlNode node)
    {
        if (!Spend(node))
        {
            return null;
        }

        switch (node)
        {
            case YamlScalar scalar:
                return scalar.Kind switch
                {
                    ScalarKind.Null => null,
                    ScalarKind.Boolean => JsonValue.Create(ScalarResolver.IsTrue(scalar.Value)),
                    ScalarKind.Integer when ScalarResolver.TryParseInteger(scalar.Value, out var l) => JsonValue.Create(l),
                    ScalarKind.Float when double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) => JsonValue.Create(d),
                    _ => JsonValue.Create(scalar.Value),
                };
            case YamlSequence sequence:
            {
                var array = new JsonArray();
                foreach (var item in sequence.Items)
                {
                    array.Add(ToJson(item));
                }

                return array;
            }

            case YamlMapping mapping:
            {
                var obj = new JsonObject();
                foreach (var (key, value) in mapping.Entries)
                {
                    obj[key.Value] = ToJson(value);
                }

                return obj;
            }

            default:
                return null;
        }
    }

    private object? Mismatch(YamlNode node, string path, string expected, string? fix)
    {
        diagnostics.Add(node.Location, path, $"expected {expected} but found {node.Describe()}", fix);
        return null;
    }

    internal static string Join(string path, string field) => path.Length == 0 ? field : $"{path}.{field}";

    internal static string? Suggest(string unknown, IEnumerable<string> known) =>
        Closest(unknown, known) is { } closest ? $"did you mean \"{closest}\"?" : "remove it; Tekton v1 has no such field here";

    /// <summary>The known name closest to an unknown one, when it is close enough to be a typo.</summary>
    internal static string? Closest(string unknown, IEnumerable<string> known) => known
        .Select(k => (k, d: Distance(unknown.ToLowerInvariant(), k.ToLowerInvariant())))
        .Where(x => x.d <= Math.Max(1, unknown.Length / 4))
        .OrderBy(x => x.d)
        .ThenBy(x => x.k, StringComparer.Ordinal)
        .FirstOrDefault().k;

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
