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
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = false };
    private static readonly JsonSerializerOptions Indented = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = true, IndentSize = 2 };

    /// <summary>A resource as JSON text.</summary>
    public static string Write(IResource resource, bool indented = false) => Write(ResourceWriter.ToJson(resource), indented);

    /// <summary>A JSON node as text.</summary>
    public static string Write(JsonNode? node, bool indented = false) =>
        node is null ? "null" : node.ToJsonString(indented ? Indented : Compact);
}
