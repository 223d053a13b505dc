using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using System.Text.Json.Nodes;

namespace Sluice.Model.Binding;

/// <summary>How a record type maps to YAML/JSON fields; computed once per type.</summary>
internal sealed class TypeShape
{
    private static readonly ConcurrentDictionary<Type, TypeShape> Shapes = new();

    private TypeShape(Type type)
    {
        Type = type;
        var fields = new List<FieldShape>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<NotSerializedAttribute>() is not null || property.SetMethod is null)
            {
                continue;
            }

            var name = property.GetCustomAttribute<FieldAttribute>()?.Name ?? CamelCase(property.Name);
            fields.Add(new FieldShape(
                name,
                property,
                property.GetCustomAttribute<InlineAttribute>() is not null,
                property.GetCustomAttribute<AlwaysWriteAttribute>() is not null));
        }

        Fields = [.. fields];
        var byName = new Dictionary<string, (FieldShape? Inline, FieldShape Field)>(StringComparer.Ordinal);
        foreach (var field in Fields)
        {
            if (field.IsInline)
            {
                foreach (var inner in For(field.Property.PropertyType).Fields)
                {
                    byName.TryAdd(inner.Name, (field, inner));
                }
            }
        }

        foreach (var field in Fields.Where(f => !f.IsInline))
        {
            byName[field.Name] = (null, field);
        }

        ByName = byName;
        ByNameIgnoringCase = byName
            .GroupBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() == 1)
            .ToDictionary(g => g.Key, g => g.First().Value, StringComparer.OrdinalIgnoreCase);
    }

    public Type Type { get; }

    public ImmutableArray<FieldShape> Fields { get; }

    public IReadOnlyDictionary<string, (FieldShape? Inline, FieldShape Field)> ByName { get; }

    /// <summary>
    /// Fields by name ignoring case: Tekton decodes with Go's encoding/json, which matches field names
    /// case-insensitively, so <c>mountpath</c> is read as <c>mountPath</c>.
    /// </summary>
    public IReadOnlyDictionary<string, (FieldShape? Inline, FieldShape Field)> ByNameIgnoringCase { get; }

    public static TypeShape For(Type type) => Shapes.GetOrAdd(type, t => new TypeShape(t));

    public static bool IsRecord(Type type) =>
        type.IsClass && type != typeof(string) && !typeof(JsonNode).IsAssignableFrom(type) &&
        type.Namespace?.StartsWith("Sluice.", StringComparison.Ordinal) == true &&
        type != typeof(Pipelines.ParamValue);

    public object Create() => Activator.CreateInstance(Type)!;

    private static string CamelCase(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}

/// <summary>One field of a <see cref="TypeShape"/>.</summary>
internal sealed record FieldShape(string Name, PropertyInfo Property, bool IsInline, bool AlwaysWrite);
