using System.Collections.Concurrent;
using System.Collections.Immutable;
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
internal sealed partial class NodeBinder(DiagnosticBag diagnostics, SourceMap sourceMap)
{
    private static readonly MethodInfo BindArrayMethod = typeof(NodeBinder).GetMethod(nameof(BindArray), BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly MethodInfo BindDictionaryMethod = typeof(NodeBinder).GetMethod(nameof(BindDictionary), BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly ConcurrentDictionary<Type, MethodInfo> ArrayBinders = new();
    private static readonly ConcurrentDictionary<Type, MethodInfo> DictionaryBinders = new();

    private int _depth;
    private bool _depthReported;

    public T? Bind<T>(YamlNode node, string path)
        where T : class => (T?)BindValue(typeof(T), node, path, null, null);

    public object? BindRecord(Type type, YamlMapping mapping, string path, ISet<string>? skipFields = null) =>
        BindObject(TypeShape.For(type), mapping, path, skipFields);

    /// <summary>
    /// Whether a node <paramref name="depth"/> levels down may be bound. The reader already refuses trees deeper
    /// than <see cref="YamlReader.MaxDepth"/> or larger than <see cref="YamlReader.MaxNodes"/>, aliases included;
    /// this keeps recursion bounded whatever the tree.
    /// </summary>
    private bool WithinDepth(int depth, YamlNode node)
    {
        if (depth <= YamlReader.MaxDepth + 1)
        {
            return true;
        }

        if (!_depthReported)
        {
            _depthReported = true;
            diagnostics.Add(node.Location, string.Empty, $"the YAML nests deeper than {YamlReader.MaxDepth} levels", "flatten the document, or use fewer levels of nested aliases");
        }

        return false;
    }

    private object? BindValue(Type type, YamlNode node, string path, object? owner, string? field)
    {
        if (node.Reported || !WithinDepth(_depth, node))
        {
            return null;
        }

        _depth++;
        try
        {
            return BindNonNull(type, node, path, owner, field);
        }
        finally
        {
            _depth--;
        }
    }

    private object? BindNonNull(Type type, YamlNode node, string path, object? owner, string? field)
    {
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
            return BindIntOrString(node, path);
        }

        if (underlying == typeof(ParamValue))
        {
            return BindParamValue(node, path);
        }

        if (typeof(JsonNode).IsAssignableFrom(underlying))
        {
            var json = ToJson(node, 0);
            return underlying == typeof(JsonObject) && json is not JsonObject ? Mismatch(node, path, "a mapping", MappingFix) : json;
        }

        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(ImmutableArray<>))
        {
            var method = ArrayBinders.GetOrAdd(underlying.GetGenericArguments()[0], static t => BindArrayMethod.MakeGenericMethod(t));
            return method.Invoke(this, [node, path, owner, field]);
        }

        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(ImmutableSortedDictionary<,>))
        {
            var method = DictionaryBinders.GetOrAdd(underlying.GetGenericArguments()[1], static t => BindDictionaryMethod.MakeGenericMethod(t));
            return method.Invoke(this, [node, path]);
        }

        if (TypeShape.IsRecord(underlying))
        {
            return node is YamlMapping mapping ? BindObject(TypeShape.For(underlying), mapping, path, null) : Mismatch(node, path, "a mapping", MappingFix);
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
                diagnostics.Add(key.Location, fieldPath, $"unknown field {GoQuote.Of(key.Value)}", Suggest(key.Value, shape.ByName.Keys));
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
            var reported = diagnostics.Count;
            var bound = BindValue(target.Field.Property.PropertyType, value, fieldPath, holder, target.Field.Name);
            if (bound is not null)
            {
                target.Field.Property.SetValue(holder, bound);
            }

            if (value.Reported || diagnostics.Count > reported)
            {
                // What was wrong with the value is reported; validation must not call the field missing too.
                sourceMap.RecordRefused(holder, target.Field.Name);
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
            Mismatch(node, path, "a list", typeof(T) == typeof(string) ? "write the value as a list: [value]" : "write the items as a YAML list, one \"- \" item per line");
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
            Mismatch(node, path, "a mapping", "write it as key: value entries");
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

    internal static string Join(string path, string field) => path.Length == 0 ? field : $"{path}.{field}";
}
