using System.Collections.Immutable;
using System.Text.Json;
using NuGet.Versioning;

namespace Sluice.Catalog.Audit;

/// <summary>What an SBOM says about the project itself.</summary>
public sealed record SbomOptions
{
    /// <summary>The project's name; by default the restored project's (or, of several, the directory's).</summary>
    public string? Name { get; init; }

    /// <summary>The project's version; by default the restored project's when there is one project.</summary>
    public string? Version { get; init; }

    /// <summary>The clock for the bill's timestamp, or null to leave the timestamp out so the same restore gives the same bytes.</summary>
    public TimeProvider? TimeProvider { get; init; }
}

/// <summary>
/// Makes a CycloneDX SBOM from what <c>dotnet restore</c> resolved: the <c>obj/project.assets.json</c> of
/// one or more projects. Every package of every target framework and runtime, direct or transitive, is
/// one component (the same name and version from several projects once); a package only private assets
/// reach (<c>PrivateAssets="all"</c>: analyzers, build tools) has scope <c>excluded</c>.
/// </summary>
public static class Sbom
{
    /// <summary>The file restore writes under each project's <c>obj</c>.</summary>
    public const string AssetsFileName = "project.assets.json";

    /// <summary>The bill of every <c>obj/project.assets.json</c> under <paramref name="root"/>.</summary>
    /// <exception cref="FileNotFoundException">No project under the directory has been restored.</exception>
    /// <exception cref="InvalidDataException">An assets file is not one.</exception>
    public static SbomDocument FromDirectory(string root, SbomOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var files = Directory.EnumerateFiles(root, AssetsFileName, SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) == "obj")
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            throw new FileNotFoundException($"no obj/{AssetsFileName} under {root}: run dotnet restore on the projects first");
        }

        options ??= new SbomOptions();
        return FromAssetsFiles(files, files.Count > 1 && options.Name is null ? options with { Name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(root))) } : options);
    }

    /// <summary>The bill of the given assets files.</summary>
    /// <exception cref="InvalidDataException">A file is not a NuGet assets file.</exception>
    public static SbomDocument FromAssetsFiles(IEnumerable<string> assetsFiles, SbomOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(assetsFiles);
        options ??= new SbomOptions();
        var graph = new Graph();
        var projects = new List<(string Name, string? Version)>();
        foreach (var file in assetsFiles)
        {
            using var document = Parse(file);
            projects.Add(graph.Add(document.RootElement, file));
        }

        if (projects.Count == 0)
        {
            throw new ArgumentException("no assets file was given", nameof(assetsFiles));
        }

        var name = options.Name ?? projects[0].Name;
        var version = options.Version ?? (projects.Count == 1 ? projects[0].Version : null);
        var packages = graph.Packages.Values
            .OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
            .ThenBy(p => NuGetVersion.TryParse(p.Version, out var v) ? v : new NuGetVersion(0, 0, 0))
            .ThenBy(p => p.Version, StringComparer.Ordinal)
            .ToList();
        var components = packages.Select(p => new SbomComponent(p.Name, p.Version, p.Required ? "required" : "excluded", p.Sha512)).ToImmutableArray();
        var project = new SbomDocument { Name = name, Version = version, Components = [], Dependencies = [] };
        var dependencies = packages
            .Select(p => new SbomDependency(p.Purl, Refs(p.DependsOn)))
            .Prepend(new SbomDependency(project.BomRef, Refs(graph.Direct)));
        return project with
        {
            Timestamp = options.TimeProvider?.GetUtcNow(),
            Components = components,
            Dependencies = [.. dependencies],
        };
    }

    private static ImmutableArray<string> Refs(IEnumerable<Package> packages) => [.. packages.Select(p => p.Purl).Distinct().Order(StringComparer.Ordinal)];

    private static JsonDocument Parse(string file)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(file));
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"{file} is not a NuGet assets file: {exception.Message}; run dotnet restore again", exception);
        }
    }

    /// <summary>The packages of several restores, merged by name (ignoring case) and version.</summary>
    private sealed class Graph
    {
        public Dictionary<string, Package> Packages { get; } = new(StringComparer.OrdinalIgnoreCase);

        public HashSet<Package> Direct { get; } = [];

        public (string Name, string? Version) Add(JsonElement assets, string file)
        {
            if (assets.ValueKind != JsonValueKind.Object || !assets.TryGetProperty("targets", out var targets) || targets.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{file} is not a NuGet assets file: it has no targets; run dotnet restore again");
            }

            var project = assets.TryGetProperty("project", out var p) ? p : default;
            var name = project.ValueKind == JsonValueKind.Object && project.TryGetProperty("restore", out var restore) && restore.TryGetProperty("projectName", out var projectName)
                ? projectName.GetString() ?? Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(file)))!
                : Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(file)))!;
            var version = project.ValueKind == JsonValueKind.Object && project.TryGetProperty("version", out var v) ? v.GetString() : null;
            var frameworks = DirectDependencies(project);
            var hashes = Hashes(assets);
            foreach (var target in targets.EnumerateObject())
            {
                AddTarget(target, frameworks, hashes);
            }

            return (name, version);
        }

        private void AddTarget(JsonProperty target, Dictionary<string, Dictionary<string, bool>> frameworks, Dictionary<string, string> hashes)
        {
            var entries = new Dictionary<string, (string Version, bool IsPackage, JsonElement Entry)>(StringComparer.OrdinalIgnoreCase);
            foreach (var library in target.Value.EnumerateObject())
            {
                var slash = library.Name.IndexOf('/', StringComparison.Ordinal);
                if (slash > 0)
                {
                    var isPackage = !library.Value.TryGetProperty("type", out var type) || type.GetString() == "package";
                    entries[library.Name[..slash]] = (library.Name[(slash + 1)..], isPackage, library.Value);
                }
            }

            var framework = target.Name.Split('/')[0];
            var direct = frameworks.TryGetValue(framework, out var own) ? own : frameworks.Values.SelectMany(f => f).DistinctBy(f => f.Key, StringComparer.OrdinalIgnoreCase).ToDictionary(StringComparer.OrdinalIgnoreCase);
            var roots = new List<string>();
            foreach (var (dependency, isPrivate) in direct)
            {
                if (entries.TryGetValue(dependency, out var entry) && entry.IsPackage)
                {
                    Direct.Add(Get(dependency, entry.Version, hashes));
                    if (!isPrivate)
                    {
                        roots.Add(dependency);
                    }
                }
            }

            foreach (var (_, entry) in entries.Where(e => !e.Value.IsPackage))
            {
                foreach (var dependency in DependencyNames(entry.Entry).Where(d => entries.TryGetValue(d, out var e) && e.IsPackage))
                {
                    Direct.Add(Get(dependency, entries[dependency].Version, hashes));
                    roots.Add(dependency);
                }
            }

            foreach (var (packageName, entry) in entries.Where(e => e.Value.IsPackage))
            {
                var package = Get(packageName, entry.Version, hashes);
                foreach (var dependency in DependencyNames(entry.Entry))
                {
                    if (entries.TryGetValue(dependency, out var resolved) && resolved.IsPackage)
                    {
                        package.DependsOn.Add(Get(dependency, resolved.Version, hashes));
                    }
                }
            }

            // What ships: everything reachable from a dependency that is not private.
            var pending = new Stack<string>(roots);
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            while (pending.TryPop(out var current))
            {
                if (!seen.Add(current) || !entries.TryGetValue(current, out var entry) || !entry.IsPackage)
                {
                    continue;
                }

                Get(current, entry.Version, hashes).Required = true;
                foreach (var dependency in DependencyNames(entry.Entry))
                {
                    pending.Push(dependency);
                }
            }
        }

        private Package Get(string name, string version, Dictionary<string, string> hashes)
        {
            var key = $"{name}/{version}";
            if (!Packages.TryGetValue(key, out var package))
            {
                package = new Package(name, version, hashes.GetValueOrDefault(key));
                Packages[key] = package;
            }
            else if (string.CompareOrdinal(name, package.Name) < 0)
            {
                // Projects may spell an id in other cases; the same one wins whatever the order they are read in.
                package.Name = name;
            }

            package.Sha512 ??= hashes.GetValueOrDefault(key);

            return package;
        }

        private static IEnumerable<string> DependencyNames(JsonElement entry) =>
            entry.TryGetProperty("dependencies", out var dependencies) && dependencies.ValueKind == JsonValueKind.Object
                ? dependencies.EnumerateObject().Select(d => d.Name)
                : [];

        /// <summary>Each framework's direct package dependencies, and whether each is private (<c>suppressParent: All</c>).</summary>
        private static Dictionary<string, Dictionary<string, bool>> DirectDependencies(JsonElement project)
        {
            var result = new Dictionary<string, Dictionary<string, bool>>(StringComparer.OrdinalIgnoreCase);
            if (project.ValueKind != JsonValueKind.Object || !project.TryGetProperty("frameworks", out var frameworks) || frameworks.ValueKind != JsonValueKind.Object)
            {
                return result;
            }

            foreach (var framework in frameworks.EnumerateObject())
            {
                var dependencies = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
                if (framework.Value.TryGetProperty("dependencies", out var list) && list.ValueKind == JsonValueKind.Object)
                {
                    foreach (var dependency in list.EnumerateObject())
                    {
                        var suppress = dependency.Value.ValueKind == JsonValueKind.Object && dependency.Value.TryGetProperty("suppressParent", out var s) ? s.GetString() : null;
                        dependencies[dependency.Name] = string.Equals(suppress, "All", StringComparison.OrdinalIgnoreCase);
                    }
                }

                result[framework.Name] = dependencies;
            }

            return result;
        }

        /// <summary>Each package's SHA-512 in hex, by <c>NAME/VERSION</c>.</summary>
        private static Dictionary<string, string> Hashes(JsonElement assets)
        {
            var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (assets.TryGetProperty("libraries", out var libraries) && libraries.ValueKind == JsonValueKind.Object)
            {
                foreach (var library in libraries.EnumerateObject())
                {
                    if (library.Value.TryGetProperty("sha512", out var sha) && sha.GetString() is { } base64 && Convert.TryFromBase64String(base64, new byte[64], out var written) && written == 64)
                    {
                        result[library.Name] = Convert.ToHexStringLower(Convert.FromBase64String(base64));
                    }
                }
            }

            return result;
        }
    }

    private sealed class Package(string name, string version, string? sha512)
    {
        public string Name { get; set; } = name;

        public string Version { get; } = version;

        public string? Sha512 { get; set; } = sha512;

        public bool Required { get; set; }

        public HashSet<Package> DependsOn { get; } = [];

        public string Purl => new SbomComponent(Name, Version).Purl;
    }
}
