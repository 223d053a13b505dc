using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Sluice.Engine.Runs;
using Sluice.Model.Pipelines;

namespace Sluice.Store;

/// <summary>
/// Recognises what a run produced from Tekton's type-hinted results, as Tekton Chains reads them
/// (<c>IMAGE_URL</c>/<c>IMAGE_DIGEST</c> with any <c>NAME_</c> prefix, <c>IMAGES</c>,
/// <c>ARTIFACT_URI</c>/<c>ARTIFACT_DIGEST</c>, <c>*ARTIFACT_OUTPUTS</c> objects), and from a TaskRun's
/// <c>status.artifacts.outputs</c>.
/// </summary>
public static class Artifacts
{
    /// <summary>The artifacts a TaskRun or PipelineRun reports.</summary>
    public static ImmutableArray<ArtifactRecord> Recognise(IEnumerable<RunResult> results, JsonNode? statusArtifacts)
    {
        var found = ImmutableArray.CreateBuilder<ArtifactRecord>();
        var byName = results.GroupBy(r => r.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);
        foreach (var (name, value) in byName)
        {
            if (Pair(name, "IMAGE_URL", "IMAGE_DIGEST", byName) is { } image)
            {
                found.Add(new ArtifactRecord { Kind = "image", Name = image.Prefix, Uri = image.Uri, Digest = image.Digest, Source = name });
            }
            else if (Pair(name, "ARTIFACT_URI", "ARTIFACT_DIGEST", byName) is { } artifact)
            {
                found.Add(new ArtifactRecord { Kind = "artifact", Name = artifact.Prefix, Uri = artifact.Uri, Digest = artifact.Digest, Source = name });
            }
            else if (name == "IMAGES" || name.EndsWith("_IMAGES", StringComparison.Ordinal))
            {
                var items = value.Type == ParamType.Array ? value.ArrayValue.AsEnumerable() : value.StringValue.Split([',', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                foreach (var item in items)
                {
                    var at = item.LastIndexOf('@');
                    found.Add(new ArtifactRecord { Kind = "image", Name = Repository(at > 0 ? item[..at] : item), Uri = at > 0 ? item[..at] : item, Digest = at > 0 ? item[(at + 1)..] : null, Source = name });
                }
            }
            else if ((name.EndsWith("ARTIFACT_OUTPUTS", StringComparison.Ordinal) || name.EndsWith("IMAGE_OUTPUTS", StringComparison.Ordinal)) && value.Type == ParamType.Object)
            {
                var kind = name.EndsWith("IMAGE_OUTPUTS", StringComparison.Ordinal) ? "image" : "artifact";
                found.Add(new ArtifactRecord { Kind = kind, Name = Prefix(name, kind == "image" ? "IMAGE_OUTPUTS" : "ARTIFACT_OUTPUTS"), Uri = value.ObjectValue.GetValueOrDefault("uri"), Digest = value.ObjectValue.GetValueOrDefault("digest"), Source = name });
            }
        }

        foreach (var output in (statusArtifacts?["outputs"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = output["name"]?.GetValue<string>() ?? "output";
            foreach (var item in (output["values"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var digest = (item["digest"] as JsonObject)?.Select(kv => $"{kv.Key}:{kv.Value}").FirstOrDefault();
                found.Add(new ArtifactRecord { Kind = "artifact", Name = name, Uri = item["uri"]?.GetValue<string>(), Digest = digest, Source = "status.artifacts.outputs" });
            }
        }

        return found.ToImmutable();
    }

    private static (string Prefix, string Uri, string? Digest)? Pair(string name, string uriSuffix, string digestSuffix, Dictionary<string, ParamValue> results)
    {
        if (name != uriSuffix && !name.EndsWith("_" + uriSuffix, StringComparison.Ordinal))
        {
            return null;
        }

        var prefix = name[..^uriSuffix.Length];
        var digest = results.GetValueOrDefault(prefix + digestSuffix)?.StringValue.Trim();
        var uri = results[name].StringValue.Trim();
        return (Prefix(name, uriSuffix), uri, string.IsNullOrEmpty(digest) ? null : digest);
    }

    private static string Prefix(string name, string suffix)
    {
        var prefix = name[..^suffix.Length].TrimEnd('_');
        return prefix.Length == 0 ? suffix.Split('_')[0] : prefix;
    }

    private static string Repository(string reference)
    {
        var slash = reference.LastIndexOf('/');
        var last = slash >= 0 ? reference[(slash + 1)..] : reference;
        var colon = last.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? last[..colon] : last;
    }
}
