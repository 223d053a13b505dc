using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sluice.Model.Writing;

/// <summary>
/// JSON text of resources as people and Tekton tooling read it: text outside ASCII is written as it is
/// rather than as <c>\u</c> escapes, except characters outside the Basic Multilingual Plane.
/// </summary>
public static class JsonText
{
    private static readonly Style Compact = new(new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = false });
    private static readonly Style Indented = new(new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = true, IndentSize = 2 });

    /// <summary>A resource as JSON text, the same as <see cref="ResourceWriter.ToJson"/> written out.</summary>
    public static string Write(IResource resource, bool indented = false)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, (indented ? Indented : Compact).WriterOptions))
        {
            ResourceWriter.Write(writer, resource);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A JSON node as text.</summary>
    public static string Write(JsonNode? node, bool indented = false) =>
        node is null ? "null" : node.ToJsonString((indented ? Indented : Compact).Options);

    /// <summary>One way of writing, for a tree and for a writer alike.</summary>
    private sealed class Style(JsonSerializerOptions options)
    {
        public JsonSerializerOptions Options { get; } = options;

        // What a tree's ToJsonString writes with these options, depth limit included.
        public JsonWriterOptions WriterOptions { get; } = new()
        {
            Encoder = options.Encoder,
            Indented = options.WriteIndented,
            IndentCharacter = options.IndentCharacter,
            IndentSize = options.IndentSize,
            NewLine = options.NewLine,
            MaxDepth = options.MaxDepth == 0 ? 64 : options.MaxDepth,
        };
    }
}
