using System.Collections.Immutable;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Sluice.Oci;

/// <summary>
/// The one JSON form of OCI documents that Sluice writes: compact, fields in the specifications' order,
/// map keys sorted, empty optional fields left out (as Go's <c>omitempty</c> does), times in UTC with
/// <c>Z</c>. The same values always give the same bytes, so digests are reproducible.
/// </summary>
public static class OciJson
{
    /// <summary>The serializer options of the canonical form.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions(indented: false);

    /// <summary>The same form indented by two spaces, as the specifications' examples are; for people, not digests.</summary>
    public static JsonSerializerOptions IndentedOptions { get; } = CreateOptions(indented: true);

    /// <summary>The canonical bytes of a document.</summary>
    public static byte[] Serialize<T>(T document) => JsonSerializer.SerializeToUtf8Bytes(document, Options);

    /// <summary>
    /// Reads a document; returns null with a message naming the document kind, the JSON path and the
    /// problem when the bytes are not one.
    /// </summary>
    public static T? Deserialize<T>(ReadOnlySpan<byte> json, out string? error)
        where T : class
    {
        try
        {
            var document = JsonSerializer.Deserialize<T>(json, Options);
            error = document is null ? $"not a valid {DocumentName<T>()}: the JSON is null" : null;
            return document;
        }
        catch (JsonException exception)
        {
            error = $"not a valid {DocumentName<T>()}: {exception.Message}";
            return null;
        }
    }

    /// <summary>Reads a document that must be valid (one Sluice wrote or a registry verified).</summary>
    /// <exception cref="InvalidDataException">The bytes are not such a document.</exception>
    public static T Deserialize<T>(ReadOnlySpan<byte> json)
        where T : class => Deserialize<T>(json, out var error) ?? throw new InvalidDataException(error);

    private static string DocumentName<T>() => typeof(T).Name switch
    {
        nameof(ImageManifest) => "OCI image manifest",
        nameof(ImageIndex) => "OCI image index",
        nameof(ImageConfig) => "OCI image configuration",
        nameof(Descriptor) => "OCI descriptor",
        var name => name,
    };

    private static JsonSerializerOptions CreateOptions(bool indented)
    {
        var options = new JsonSerializerOptions
        {
            WriteIndented = indented,
            IndentSize = 2,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OmitEmpty } },
            Converters = { new SortedMapJsonConverter(), new ImmutableArrayJsonConverterFactory(), new TimestampJsonConverter() },
        };
        options.MakeReadOnly();
        return options;
    }

    private static void OmitEmpty(JsonTypeInfo type)
    {
        foreach (var property in type.Properties)
        {
            var propertyType = property.PropertyType;
            if (propertyType == typeof(bool))
            {
                property.ShouldSerialize = static (_, value) => value is true;
            }
            else if (propertyType == typeof(IReadOnlyDictionary<string, string>))
            {
                property.ShouldSerialize = static (_, value) => value is IReadOnlyDictionary<string, string> { Count: > 0 };
            }
            else if (!property.IsRequired && propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(ImmutableArray<>))
            {
                var hasItems = typeof(OciJson).GetMethod(nameof(HasItems), BindingFlags.NonPublic | BindingFlags.Static)!
                    .MakeGenericMethod(propertyType.GetGenericArguments()[0])
                    .CreateDelegate<Func<object?, bool>>();
                property.ShouldSerialize = (_, value) => hasItems(value);
            }
        }
    }

    private static bool HasItems<T>(object? value) => value is ImmutableArray<T> { IsDefaultOrEmpty: false };
}
