using System.Collections.Immutable;
using System.Text.Json;
using Sluice.Model.Diagnostics;
using Sluice.Model.Kubernetes;
using Sluice.Model.Pipelines;
using Sluice.Model.Tasks;

namespace Sluice.Cli;

/// <summary>Parses the values users give on the command line: params, workspaces and image maps.</summary>
public static class RunInputs
{
    /// <summary>Parses <c>name=value</c> pairs; problems go to <paramref name="diagnostics"/>.</summary>
    public static ImmutableArray<KeyValuePair<string, string>> Pairs(IEnumerable<string> values, string option, DiagnosticBag diagnostics)
    {
        var result = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>();
        foreach (var value in values)
        {
            var equals = value.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                diagnostics.Add(new SourceLocation($"{option} {value}", 0, 0), string.Empty, "expected name=value", $"write {option} name=value");
                continue;
            }

            result.Add(new(value[..equals], value[(equals + 1)..]));
        }

        return result.ToImmutable();
    }

    /// <summary>
    /// A param value typed by its declaration: arrays split on commas (or JSON <c>[...]</c>), objects
    /// are <c>key:value,key:value</c> (or JSON <c>{...}</c>), everything else is a string.
    /// </summary>
    public static ParamValue Value(string text, ParamType type, string name, DiagnosticBag diagnostics)
    {
        try
        {
            return type switch
            {
                ParamType.Array when text.StartsWith('[') => ParamValue.Of(JsonSerializer.Deserialize<string[]>(text) ?? []),
                ParamType.Array => ParamValue.Of(text.Length == 0 ? [] : text.Split(',')),
                ParamType.Object when text.StartsWith('{') => ParamValue.Of(JsonSerializer.Deserialize<Dictionary<string, string>>(text) ?? []),
                ParamType.Object => ParamValue.Of(text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(entry =>
                {
                    var colon = entry.IndexOf(':', StringComparison.Ordinal);
                    return colon > 0 ? new KeyValuePair<string, string>(entry[..colon], entry[(colon + 1)..]) : throw new FormatException($"\"{entry}\" is not key:value");
                })),
                _ => ParamValue.Of(text),
            };
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            diagnostics.Add(new SourceLocation($"-p {name}", 0, 0), string.Empty, $"param \"{name}\" is declared as {type.ToString().ToLowerInvariant()} but its value does not parse: {e.Message}", type == ParamType.Array ? "write -p name=a,b,c or -p 'name=[\"a\",\"b\"]'" : "write -p name=key:value,key2:value2 or JSON");
            return ParamValue.Of(text);
        }
    }

    /// <summary>
    /// A workspace binding: <c>emptyDir</c>, <c>volumeClaimTemplate</c>, <c>pvc:NAME</c>,
    /// <c>configmap:NAME</c> or <c>secret:NAME</c>, each optionally followed by <c>@subPath</c>.
    /// </summary>
    public static WorkspaceBinding? Binding(string name, string text, DiagnosticBag diagnostics)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var subPath = at >= 0 ? text[(at + 1)..] : null;
        var source = at >= 0 ? text[..at] : text;
        var colon = source.IndexOf(':', StringComparison.Ordinal);
        var kind = colon >= 0 ? source[..colon] : source;
        var argument = colon >= 0 ? source[(colon + 1)..] : string.Empty;
        var binding = new WorkspaceBinding { Name = name, SubPath = subPath };
        switch (kind.ToLowerInvariant())
        {
            case "emptydir":
                return binding with { EmptyDir = new EmptyDirVolumeSource() };
            case "volumeclaimtemplate":
                return binding with { VolumeClaimTemplate = new PersistentVolumeClaim() };
            case "pvc" or "persistentvolumeclaim" when argument.Length > 0:
                return binding with { PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = argument } };
            case "configmap" when argument.Length > 0:
                return binding with { ConfigMap = new ConfigMapVolumeSource { Name = argument } };
            case "secret" when argument.Length > 0:
                return binding with { Secret = new SecretVolumeSource { SecretName = argument } };
            default:
                diagnostics.Add(new SourceLocation($"-w {name}={text}", 0, 0), string.Empty, $"unknown workspace binding \"{text}\"", "use emptyDir, volumeClaimTemplate, pvc:NAME, configmap:NAME or secret:NAME (optionally @subPath)");
                return null;
        }
    }
}
