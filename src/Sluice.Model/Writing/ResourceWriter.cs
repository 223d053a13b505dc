using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using System.Text.Json.Nodes;
using Sluice.Model.Binding;
using Sluice.Model.Kubernetes;
using Sluice.Model.Pipelines;

namespace Sluice.Model.Writing;

/// <summary>
/// Turns the model's records into JSON with Tekton's field names, leaving out what Go's <c>omitempty</c>
/// leaves out: null values, empty lists and maps, and empty optional strings. Required scalars (names,
/// exit codes) and fields marked <see cref="AlwaysWriteAttribute"/> are always written.
/// </summary>
public static class ResourceWriter
{
    private static readonly ConcurrentDictionary<PropertyInfo, bool> NullableStrings = new();
    private static readonly ConcurrentDictionary<Type, Func<object, bool>> ArrayEmptiness = new();
    private static readonly NullabilityInfoContext Nullability = new();
    private static readonly Lock NullabilityGate = new();

    // Strings Go writes even when empty (no omitempty) that Tekton's CRD schemas require.
    private static readonly HashSet<(Type, string)> GoRequired = [(typeof(Runs.TaskRunStatus), "podName")];

    /// <summary>A resource as a JSON object: <c>apiVersion</c>, <c>kind</c>, <c>metadata</c>, then the rest.</summary>
    public static JsonObject ToJson(IResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var json = (JsonObject)ToNode(resource)!;
        if (resource is OtherResource other)
        {
            foreach (var (key, value) in other.Body)
            {
                if (!json.ContainsKey(key))
                {
                    json[key] = value?.DeepClone();
                }
            }
        }

        return json;
    }

    /// <summary>Any model value (a record, list, map, param value or scalar) as JSON; null when Go would leave it out.</summary>
    public static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        string text => JsonValue.Create(text),
        bool flag => JsonValue.Create(flag),
        int number => JsonValue.Create(number),
        long number => JsonValue.Create(number),
        double number => JsonValue.Create(number),
        Duration duration => JsonValue.Create(duration.ToString()),
        IntOrString port => port.IsInteger && long.TryParse(port.Text, System.Globalization.CultureInfo.InvariantCulture, out var n) ? JsonValue.Create(n) : JsonValue.Create(port.Text),
        ParamValue param => Param(param),
        JsonNode node => node.DeepClone(),
        IDictionary dictionary => Map(dictionary),
        IEnumerable sequence => List(sequence),
        _ when TypeShape.IsRecord(value.GetType()) => Record(value),
        _ => throw new ArgumentException($"no JSON form for {value.GetType()}", nameof(value)),
    };

    private static JsonNode Param(ParamValue value) => value.Type switch
    {
        ParamType.Array => new JsonArray([.. value.ArrayValue.Select(item => (JsonNode?)JsonValue.Create(item))]),
        ParamType.Object => new JsonObject(value.ObjectValue.Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, JsonValue.Create(kv.Value)))),
        _ => JsonValue.Create(value.StringValue),
    };

    private static JsonObject Map(IDictionary dictionary)
    {
        var json = new JsonObject();
        foreach (DictionaryEntry entry in dictionary)
        {
            json[(string)entry.Key] = ToNode(entry.Value) ?? JsonValue.Create(string.Empty);
        }

        return json;
    }

    private static JsonArray List(IEnumerable sequence)
    {
        var json = new JsonArray();
        foreach (var item in sequence)
        {
            json.Add(ToNode(item));
        }

        return json;
    }

    private static JsonObject Record(object record)
    {
        var json = new JsonObject();
        Fill(json, record);
        return json;
    }

    private static void Fill(JsonObject json, object record)
    {
        foreach (var field in TypeShape.For(record.GetType()).Fields)
        {
            var value = field.Property.GetValue(record);
            if (field.IsInline)
            {
                if (value is not null)
                {
                    Fill(json, value);
                }

                continue;
            }

            if (!field.AlwaysWrite && IsOmitted(field.Property, value))
            {
                if (GoRequired.Contains((record.GetType(), field.Name)))
                {
                    json[field.Name] = JsonValue.Create(string.Empty);
                }

                continue;
            }

            json[field.Name] = ToNode(value) ?? (field.AlwaysWrite ? JsonValue.Create(string.Empty) : null);
        }
    }

    private static bool IsOmitted(PropertyInfo property, object? value) => value switch
    {
        null => true,
        string text => text.Length == 0 && IsNullableString(property),
        _ when value.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(ImmutableArray<>) =>
            ArrayEmptiness.GetOrAdd(type, EmptinessOf)(value),
        ICollection collection => collection.Count == 0,
        _ => false,
    };

    /// <summary>A test of whether a boxed <see cref="ImmutableArray{T}"/> of this type is default or empty, made once per type.</summary>
    private static Func<object, bool> EmptinessOf(Type arrayType) =>
        typeof(ResourceWriter).GetMethod(nameof(IsDefaultOrEmpty), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(arrayType.GetGenericArguments()[0])
            .CreateDelegate<Func<object, bool>>();

    private static bool IsDefaultOrEmpty<T>(object array) => ((ImmutableArray<T>)array).IsDefaultOrEmpty;

    private static bool IsNullableString(PropertyInfo property) => NullableStrings.GetOrAdd(property, p =>
    {
        lock (NullabilityGate)
        {
            return Nullability.Create(p).ReadState != NullabilityState.NotNull;
        }
    });
}
