using System.Buffers;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
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
    private static readonly ConcurrentDictionary<Type, RecordPlan> Plans = new();
    private static readonly ConcurrentDictionary<Type, Func<object, bool>?> Emptiness = new();
    private static readonly NullabilityInfoContext Nullability = new();
    private static readonly Lock NullabilityGate = new();

    // What WriteRawValue may reuse: text written with exactly these options.
    private static readonly JsonWriterOptions CompactOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, MaxDepth = 64 };

    // The compact JSON text of each PipelineSpec written, by instance. A PipelineRun is stored again and again
    // while it runs, its spec twice over (spec.pipelineSpec and status.pipelineSpec), and a spec is an
    // immutable record whose JSON nodes are never changed once read.
    private static readonly ConditionalWeakTable<PipelineSpec, byte[]> SpecTexts = new();

    // Strings Go writes even when empty (no omitempty) that Tekton's CRD schemas require.
    private static readonly HashSet<(Type, string)> GoRequiredFields = [(typeof(Runs.TaskRunStatus), "podName")];

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

    /// <summary>
    /// Writes what <see cref="ToJson"/> makes of a resource straight to <paramref name="writer"/>, without
    /// building the tree first: the store writes every run each time it changes.
    /// </summary>
    public static void Write(Utf8JsonWriter writer, IResource resource)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(resource);
        if (resource is OtherResource)
        {
            ToJson(resource).WriteTo(writer);
            return;
        }

        WriteRecord(writer, resource);
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
        foreach (var field in PlanOf(record.GetType()).Fields)
        {
            var value = field.Get(record);
            if (field.IsInline)
            {
                if (value is not null)
                {
                    Fill(json, value);
                }

                continue;
            }

            if (!field.AlwaysWrite && IsOmitted(field, value))
            {
                if (field.GoRequired)
                {
                    json[field.Name] = JsonValue.Create(string.Empty);
                }

                continue;
            }

            json[field.Name] = ToNode(value) ?? (field.AlwaysWrite ? JsonValue.Create(string.Empty) : null);
        }
    }

    /// <summary>What <see cref="ToNode"/> makes of a value, written as it is made: no tree, no second pass.</summary>
    private static void WriteValue(Utf8JsonWriter writer, object value)
    {
        switch (value)
        {
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case int number:
                writer.WriteNumberValue(number);
                break;
            case long number:
                writer.WriteNumberValue(number);
                break;
            case double number:
                writer.WriteNumberValue(number);
                break;
            case Duration duration:
                writer.WriteStringValue(duration.ToString());
                break;
            case IntOrString port when port.IsInteger && long.TryParse(port.Text, System.Globalization.CultureInfo.InvariantCulture, out var n):
                writer.WriteNumberValue(n);
                break;
            case IntOrString port:
                writer.WriteStringValue(port.Text);
                break;
            case ParamValue param:
                WriteParam(writer, param);
                break;
            case JsonNode node:
                node.WriteTo(writer);
                break;
            case IDictionary dictionary:
                writer.WriteStartObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    writer.WritePropertyName((string)entry.Key);
                    WriteValueOrEmpty(writer, entry.Value);
                }

                writer.WriteEndObject();
                break;
            case IEnumerable sequence:
                writer.WriteStartArray();
                foreach (var item in sequence)
                {
                    if (item is null)
                    {
                        writer.WriteNullValue();
                    }
                    else
                    {
                        WriteValue(writer, item);
                    }
                }

                writer.WriteEndArray();
                break;
            case PipelineSpec spec when IsCompact(writer.Options):
                writer.WriteRawValue(SpecTexts.GetValue(spec, TextOf), skipInputValidation: true);
                break;
            default:
                WriteRecord(writer, value);
                break;
        }
    }

    private static bool IsCompact(JsonWriterOptions options) =>
        !options.Indented && options.Encoder == CompactOptions.Encoder && options.MaxDepth == CompactOptions.MaxDepth;

    private static byte[] TextOf(object record)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using (var writer = new Utf8JsonWriter(buffer, CompactOptions))
        {
            WriteRecord(writer, record);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteValueOrEmpty(Utf8JsonWriter writer, object? value)
    {
        if (value is null)
        {
            writer.WriteStringValue(string.Empty);
        }
        else
        {
            WriteValue(writer, value);
        }
    }

    private static void WriteParam(Utf8JsonWriter writer, ParamValue value)
    {
        switch (value.Type)
        {
            case ParamType.Array:
                writer.WriteStartArray();
                foreach (var item in value.ArrayValue)
                {
                    writer.WriteStringValue(item);
                }

                writer.WriteEndArray();
                break;
            case ParamType.Object:
                writer.WriteStartObject();
                foreach (var (key, item) in value.ObjectValue)
                {
                    writer.WriteString(key, item);
                }

                writer.WriteEndObject();
                break;
            default:
                writer.WriteStringValue(value.StringValue);
                break;
        }
    }

    private static void WriteRecord(Utf8JsonWriter writer, object record)
    {
        var plan = PlanOf(record.GetType());
        if (!plan.IsRecord)
        {
            throw new ArgumentException($"no JSON form for {record.GetType()}", nameof(record));
        }

        if (!plan.FlatNamesAreUnique)
        {
            // An inlined field would replace one written before it: only the tree keeps the first place and the last value.
            Record(record).WriteTo(writer);
            return;
        }

        writer.WriteStartObject();
        WriteFields(writer, record, plan);
        writer.WriteEndObject();
    }

    private static void WriteFields(Utf8JsonWriter writer, object record, RecordPlan plan)
    {
        foreach (var field in plan.Fields)
        {
            var value = field.Get(record);
            if (field.IsInline)
            {
                if (value is not null)
                {
                    WriteFields(writer, value, PlanOf(value.GetType()));
                }

                continue;
            }

            if (!field.AlwaysWrite && IsOmitted(field, value))
            {
                if (field.GoRequired)
                {
                    writer.WriteString(field.EncodedName, string.Empty);
                }

                continue;
            }

            writer.WritePropertyName(field.EncodedName);
            WriteValueOrEmpty(writer, value);
        }
    }

    private static bool IsOmitted(FieldPlan field, object? value) => value switch
    {
        null => true,
        string text => text.Length == 0 && field.IsNullableString,
        _ => Emptiness.GetOrAdd(value.GetType(), EmptinessOf) is { } isEmpty && isEmpty(value),
    };

    /// <summary>How to tell that a value of this type is empty, made once per type; null when it never is.</summary>
    private static Func<object, bool>? EmptinessOf(Type type)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ImmutableArray<>))
        {
            return typeof(ResourceWriter).GetMethod(nameof(IsDefaultOrEmpty), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(type.GetGenericArguments()[0])
                .CreateDelegate<Func<object, bool>>();
        }

        return typeof(ICollection).IsAssignableFrom(type) ? value => ((ICollection)value).Count == 0 : null;
    }

    private static bool IsDefaultOrEmpty<T>(object array) => ((ImmutableArray<T>)array).IsDefaultOrEmpty;

    private static Func<object, object?> GetterOf(PropertyInfo property) =>
        property.GetMethod is { } getter
            ? (Func<object, object?>)typeof(ResourceWriter).GetMethod(nameof(Getter), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(property.DeclaringType!, property.PropertyType)
                .Invoke(null, [getter])!
            : property.GetValue;

    private static Func<object, object?> Getter<TRecord, TValue>(MethodInfo method)
    {
        var get = method.CreateDelegate<Func<TRecord, TValue>>();
        return record => get((TRecord)record);
    }

    private static RecordPlan PlanOf(Type type) => Plans.GetOrAdd(type, t => new RecordPlan(t));

    private static bool IsNullableString(PropertyInfo property)
    {
        lock (NullabilityGate)
        {
            return Nullability.Create(property).ReadState != NullabilityState.NotNull;
        }
    }

    /// <summary>A record type's fields as the writer needs them, worked out once per type.</summary>
    private sealed class RecordPlan
    {
        public RecordPlan(Type type)
        {
            IsRecord = TypeShape.IsRecord(type);
            if (IsRecord)
            {
                Fields = [.. TypeShape.For(type).Fields.Select(f => new FieldPlan(type, f))];
                var names = new HashSet<string>(StringComparer.Ordinal);
                FlatNamesAreUnique = FlatNames(type).All(names.Add);
            }
        }

        /// <summary>Whether the type is one of the model's records; nothing else has fields to write.</summary>
        public bool IsRecord { get; }

        public ImmutableArray<FieldPlan> Fields { get; } = [];

        /// <summary>Whether no two fields, inlined ones included, share a name.</summary>
        public bool FlatNamesAreUnique { get; }

        private static IEnumerable<string> FlatNames(Type type) =>
            TypeShape.For(type).Fields.SelectMany(f => f.IsInline ? FlatNames(f.Property.PropertyType) : [f.Name]);
    }

    /// <summary>One field of a <see cref="RecordPlan"/>.</summary>
    private sealed class FieldPlan(Type record, FieldShape shape)
    {
        private readonly Lazy<bool> _isNullableString = new(() => IsNullableString(shape.Property));

        public string Name => shape.Name;

        public JsonEncodedText EncodedName { get; } = JsonEncodedText.Encode(shape.Name, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);

        public PropertyInfo Property => shape.Property;

        /// <summary>Reads the field through a delegate to its getter: reflection's GetValue was most of a write.</summary>
        public Func<object, object?> Get { get; } = GetterOf(shape.Property);

        public bool IsInline => shape.IsInline;

        public bool AlwaysWrite => shape.AlwaysWrite;

        /// <summary>A string Go writes even when empty (no omitempty) that Tekton's CRD schemas require.</summary>
        public bool GoRequired { get; } = GoRequiredFields.Contains((record, shape.Name));

        public bool IsNullableString => _isNullableString.Value;
    }
}
