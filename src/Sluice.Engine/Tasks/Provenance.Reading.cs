using System.Collections.Immutable;
using System.Text.Json;

namespace Sluice.Engine.Tasks;

/// <summary>Reading a provenance file as encoding/json fills Tekton's structs.</summary>
public sealed partial record Provenance
{
    private static Provenance? Read(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Null)
        {
            return Empty;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var inputs = ImmutableArray<Artifact>.Empty;
        var outputs = ImmutableArray<Artifact>.Empty;
        foreach (var property in root.EnumerateObject())
        {
            if (Is(property, "inputs") && ReadArtifacts(property.Value) is { } i)
            {
                inputs = i;
            }
            else if (Is(property, "outputs") && ReadArtifacts(property.Value) is { } o)
            {
                outputs = o;
            }
            else if (Is(property, "inputs") || Is(property, "outputs"))
            {
                return null;
            }
        }

        return new Provenance { Inputs = inputs, Outputs = outputs };
    }

    private static ImmutableArray<Artifact>? ReadArtifacts(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var artifacts = ImmutableArray.CreateBuilder<Artifact>();
        foreach (var item in element.EnumerateArray())
        {
            if (ReadArtifact(item) is not { } artifact)
            {
                return null;
            }

            artifacts.Add(artifact);
        }

        return artifacts.ToImmutable();
    }

    private static Artifact? ReadArtifact(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return new Artifact(string.Empty, [], false) { ValuesAbsent = true };
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var name = string.Empty;
        var values = ImmutableArray<ArtifactValue>.Empty;
        var absent = true;
        var buildOutput = false;
        foreach (var property in element.EnumerateObject())
        {
            var value = property.Value;
            if (Is(property, "name"))
            {
                if (!ReadString(value, ref name))
                {
                    return null;
                }
            }
            else if (Is(property, "values"))
            {
                if (value.ValueKind == JsonValueKind.Null)
                {
                    (values, absent) = ([], true);
                }
                else if (value.ValueKind == JsonValueKind.Array && ReadValues(value) is { } read)
                {
                    (values, absent) = (read, false);
                }
                else
                {
                    return null;
                }
            }
            else if (Is(property, "buildOutput"))
            {
                if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    buildOutput = value.ValueKind == JsonValueKind.True;
                }
                else if (value.ValueKind != JsonValueKind.Null)
                {
                    return null;
                }
            }
        }

        return new Artifact(name, values, buildOutput) { ValuesAbsent = absent };
    }

    private static ImmutableArray<ArtifactValue>? ReadValues(JsonElement element)
    {
        var values = ImmutableArray.CreateBuilder<ArtifactValue>();
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Null)
            {
                values.Add(new ArtifactValue(ImmutableSortedDictionary<string, string>.Empty, string.Empty));
                continue;
            }

            if (item.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var digest = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);
            var uri = string.Empty;
            foreach (var property in item.EnumerateObject())
            {
                if (Is(property, "uri"))
                {
                    if (!ReadString(property.Value, ref uri))
                    {
                        return null;
                    }
                }
                else if (Is(property, "digest"))
                {
                    if (property.Value.ValueKind == JsonValueKind.Null)
                    {
                        digest = digest.Clear();
                        continue;
                    }

                    if (property.Value.ValueKind != JsonValueKind.Object)
                    {
                        return null;
                    }

                    foreach (var algorithm in property.Value.EnumerateObject())
                    {
                        var text = string.Empty;
                        if (!ReadString(algorithm.Value, ref text))
                        {
                            return null;
                        }

                        digest = digest.SetItem(algorithm.Name, text);
                    }
                }
            }

            values.Add(new ArtifactValue(digest, uri));
        }

        return values.ToImmutable();
    }

    private static bool ReadString(JsonElement element, ref string target)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                target = element.GetString() ?? string.Empty;
                return true;
            case JsonValueKind.Null:
                return true;
            default:
                return false;
        }
    }

    // encoding/json matches a key to a field without regard to case.
    private static bool Is(JsonProperty property, string field) => string.Equals(property.Name, field, StringComparison.OrdinalIgnoreCase);
}
