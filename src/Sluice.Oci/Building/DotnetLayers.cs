using System.Collections.Immutable;
using System.Text.Json;

namespace Sluice.Oci.Building;

/// <summary>A set of files of a platform's directory that make a layer of their own.</summary>
/// <param name="Name">What the files are, for the image's history and progress lines.</param>
/// <param name="Files">The files, relative to the directory, '/'-separated.</param>
public sealed record LayerPart(string Name, ImmutableHashSet<string> Files);

/// <summary>
/// Splits a <c>dotnet publish</c> output by how often its parts change, from what its <c>*.deps.json</c>
/// says each file is: the .NET runtime (the runtime packs of a self-contained app), then the NuGet
/// packages, each a layer below the application's own files. A change to the application alone leaves
/// the lower layers byte for byte as they were, so a registry that has them takes nothing new but the top.
/// </summary>
public static class DotnetLayers
{
    /// <summary>
    /// The lower layers of a publish output, lowest first; empty when the directory holds no single
    /// <c>*.deps.json</c> of the shape the .NET host reads, or it lists nothing but the application. The
    /// split changes only how the files are layered, never which files the image has: files the deps
    /// file lists but the directory lacks are left out, files it does not list stay with the application.
    /// </summary>
    public static ImmutableArray<LayerPart> Of(string directory)
    {
        var deps = Directory.GetFiles(directory, "*.deps.json", SearchOption.TopDirectoryOnly);
        if (deps.Length != 1)
        {
            return [];
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(deps[0]));
        }
        catch (JsonException)
        {
            return [];
        }

        using (document)
        {
            var root = document.RootElement;
            if (!root.TryGetProperty("targets", out var targets) || !root.TryGetProperty("libraries", out var libraries)
                || targets.ValueKind != JsonValueKind.Object || libraries.ValueKind != JsonValueKind.Object)
            {
                return [];
            }

            var runtime = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
            var packages = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
            foreach (var target in targets.EnumerateObject().Where(t => t.Value.ValueKind == JsonValueKind.Object))
            {
                foreach (var library in target.Value.EnumerateObject().Where(l => l.Value.ValueKind == JsonValueKind.Object))
                {
                    var type = libraries.TryGetProperty(library.Name, out var entry) && entry.ValueKind == JsonValueKind.Object
                        && entry.TryGetProperty("type", out var kind) ? kind.GetString() : null;
                    var into = type switch
                    {
                        "runtimepack" => runtime,
                        "package" => packages,
                        _ => null,
                    };
                    if (into is not null)
                    {
                        AddAssets(directory, library.Value, into);
                    }
                }
            }

            ImmutableArray<LayerPart> parts = [new(".NET runtime", runtime.ToImmutable()), new("NuGet packages", packages.ToImmutable())];
            return [.. parts.Where(p => p.Files.Count > 0)];
        }
    }

    /// <summary>
    /// The assets of a library found in the directory: at their own path (a portable publish keeps
    /// <c>runtimes/RID/...</c>) or, as a publish for one runtime flattens them, by file name at the top.
    /// </summary>
    private static void AddAssets(string directory, JsonElement library, ImmutableHashSet<string>.Builder into)
    {
        foreach (var section in new[] { "runtime", "native", "resources", "runtimeTargets" })
        {
            if (!library.TryGetProperty(section, out var assets) || assets.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var asset in assets.EnumerateObject())
            {
                var path = asset.Name.Replace('\\', '/');
                if (path.Split('/').Any(p => p is "" or "." or ".."))
                {
                    continue;
                }

                if (File.Exists(Path.Combine(directory, path)))
                {
                    into.Add(path);
                }
                else if (Flattened(path, section, asset.Value) is { } flat && File.Exists(Path.Combine(directory, flat)))
                {
                    into.Add(flat);
                }
            }
        }
    }

    /// <summary>
    /// Where a publish for one runtime puts a package's asset: at the top, or a satellite assembly under
    /// its culture; the assets of other runtimes (<c>runtimeTargets</c>) only a portable publish keeps, at their paths.
    /// </summary>
    private static string? Flattened(string path, string section, JsonElement asset)
    {
        var name = Path.GetFileName(path);
        if (section is "runtime" or "native")
        {
            return name;
        }

        if (section != "resources")
        {
            return null;
        }

        return asset.ValueKind == JsonValueKind.Object && asset.TryGetProperty("locale", out var locale) && locale.GetString() is { Length: > 0 } culture
            && !culture.Contains('/') && culture is not ("." or "..")
            ? $"{culture}/{name}"
            : null;
    }
}
