using System.Collections.Immutable;
using System.Text.RegularExpressions;
using NuGet.Versioning;
using Sluice.Model.Diagnostics;
using Sluice.Model.Yaml;

namespace Sluice.Catalog.Charts;

/// <summary>Reads and checks <c>Chart.yaml</c> as Helm does, reporting every problem with its position.</summary>
internal static partial class ChartFile
{
    public const string FileName = "Chart.yaml";

    /// <summary>The metadata of a Chart.yaml text, or null when it lacks what a chart needs; problems go to <paramref name="problems"/>.</summary>
    public static ChartMetadata? Read(string text, string file, DiagnosticBag problems)
    {
        var before = problems.Count;
        var documents = YamlReader.Read(text, file, problems);
        if (problems.Count > before)
        {
            return null;
        }

        if (documents.FirstOrDefault()?.Root is not YamlMapping root)
        {
            problems.Add(new SourceLocation(file, 1, 1), "", "Chart.yaml is not a mapping of fields", "write apiVersion: v2, name and version as keys at the top level");
            return null;
        }

        var apiVersion = String(root, "apiVersion", file, problems);
        var name = String(root, "name", file, problems);
        var version = String(root, "version", file, problems);
        var type = String(root, "type", file, problems);
        CheckRequired(root, file, problems, ("apiVersion", apiVersion, "apiVersion: v2"), ("name", name, "name: my-chart"), ("version", version, "version: 0.1.0"));
        if (apiVersion is not null and not ("v1" or "v2"))
        {
            problems.Add(root.Get("apiVersion")!.Location, "apiVersion", $"apiVersion {GoQuote.Of(apiVersion)} is not a chart API version", "use v2 (Helm 3 charts) or v1");
        }

        if (name is not null && !IsValidName(name))
        {
            problems.Add(root.Get("name")!.Location, "name", $"chart name {GoQuote.Of(name)} is not valid", "use lowercase letters and digits, words separated by '-', '.' or '_' (it names the archive and the OCI repository)");
        }

        if (version is not null)
        {
            CheckVersion(version, root.Get("version")!.Location, "version", problems);
        }

        if (type is not null and not ("application" or "library" or ""))
        {
            problems.Add(root.Get("type")!.Location, "type", $"type {GoQuote.Of(type)} is not a chart type", "use application or library");
        }

        var maintainers = Maintainers(root, file, problems);
        var dependencies = Dependencies(root, file, problems);
        var metadata = new ChartMetadata
        {
            ApiVersion = apiVersion ?? "",
            Name = name ?? "",
            Version = version ?? "",
            Home = String(root, "home", file, problems),
            Sources = Strings(root, "sources", file, problems),
            Description = String(root, "description", file, problems),
            Keywords = Strings(root, "keywords", file, problems),
            Maintainers = maintainers,
            Icon = String(root, "icon", file, problems),
            Condition = String(root, "condition", file, problems),
            Tags = String(root, "tags", file, problems),
            AppVersion = String(root, "appVersion", file, problems),
            Deprecated = root.Get("deprecated") is YamlScalar { Kind: ScalarKind.Boolean } deprecated && deprecated.Value.ToUpperInvariant() is "TRUE" or "YES" or "ON" or "Y",
            Annotations = Annotations(root, file, problems),
            KubeVersion = String(root, "kubeVersion", file, problems),
            Dependencies = dependencies,
            Type = type,
        };
        return problems.Count > before ? null : metadata;
    }

    /// <summary>Checks that a chart version is SemVer 2, as Helm and OCI tags need.</summary>
    public static void CheckVersion(string version, SourceLocation location, string field, DiagnosticBag problems)
    {
        if (!SemanticVersion.TryParse(version, out _))
        {
            problems.Add(location, field, $"version {GoQuote.Of(version)} is not a SemVer 2 version", "use MAJOR.MINOR.PATCH with an optional -prerelease and +build, such as 1.4.0 or 1.4.0-rc.1");
        }
    }

    /// <summary>Whether a chart name can name an archive and an OCI repository component.</summary>
    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    private static void CheckRequired(YamlMapping root, string file, DiagnosticBag problems, params (string Field, string? Value, string Example)[] fields)
    {
        foreach (var (field, value, example) in fields)
        {
            if (string.IsNullOrEmpty(value) && (root.Get(field) is null or YamlScalar))
            {
                var location = root.Get(field)?.Location ?? root.Location;
                problems.Add(location, field, $"{field} is required", $"add {example} to {file}");
            }
        }
    }

    private static string? String(YamlMapping map, string key, string file, DiagnosticBag problems)
    {
        switch (map.Get(key))
        {
            case null or YamlScalar { Kind: ScalarKind.Null }:
                return null;
            case YamlScalar scalar:
                return scalar.Value;
            case var other:
                problems.Add(other.Location, key, $"{key} is {other.Describe()}, not a string", $"write {key} as a single value in {file}");
                return null;
        }
    }

    private static ImmutableArray<string> Strings(YamlMapping map, string key, string file, DiagnosticBag problems)
    {
        switch (map.Get(key))
        {
            case null or YamlScalar { Kind: ScalarKind.Null }:
                return [];
            case YamlSequence sequence when sequence.Items.All(i => i is YamlScalar):
                return [.. sequence.Items.Cast<YamlScalar>().Select(i => i.Value)];
            case var other:
                problems.Add(other.Location, key, $"{key} is {other.Describe()}, not a list of strings", $"write {key} as a list of strings in {file}");
                return [];
        }
    }

    private static ImmutableSortedDictionary<string, string> Annotations(YamlMapping root, string file, DiagnosticBag problems)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        switch (root.Get("annotations"))
        {
            case YamlMapping map:
                foreach (var (key, value) in map.Entries)
                {
                    if (value is YamlScalar scalar)
                    {
                        result[key.Value] = scalar.Value;
                    }
                    else
                    {
                        problems.Add(value.Location, $"annotations.{key.Value}", $"annotation {key.Value} is {value.Describe()}, not a string", "quote the annotation's value");
                    }
                }

                break;
            case null or YamlScalar { Kind: ScalarKind.Null }:
                break;
            case var other:
                problems.Add(other.Location, "annotations", $"annotations is {other.Describe()}, not a mapping of strings", $"write annotations as key: value pairs in {file}");
                break;
        }

        return result.ToImmutable();
    }

    private static ImmutableArray<ChartMaintainer> Maintainers(YamlMapping root, string file, DiagnosticBag problems) =>
        [.. Items(root, "maintainers", file, problems).Select((item, i) =>
        {
            var field = $"maintainers[{i}]";
            var name = String(item, "name", file, problems);
            if (string.IsNullOrEmpty(name))
            {
                problems.Add(item.Location, field + ".name", "a maintainer needs a name", $"add name: to {field}");
            }

            return new ChartMaintainer(name ?? "", String(item, "email", file, problems), String(item, "url", file, problems));
        })];

    private static ImmutableArray<ChartDependency> Dependencies(YamlMapping root, string file, DiagnosticBag problems) =>
        [.. Items(root, "dependencies", file, problems).Select((item, i) =>
        {
            var field = $"dependencies[{i}]";
            var name = String(item, "name", file, problems);
            if (string.IsNullOrEmpty(name))
            {
                problems.Add(item.Location, field + ".name", "a dependency needs a name", $"add name: to {field}");
            }

            var alias = String(item, "alias", file, problems);
            if (alias is not null && !AliasPattern().IsMatch(alias))
            {
                problems.Add(item.Get("alias")!.Location, field + ".alias", $"dependency alias {GoQuote.Of(alias)} is not valid", "use letters, digits, '-' and '_' only");
            }

            return new ChartDependency
            {
                Name = name ?? "",
                Version = String(item, "version", file, problems),
                Repository = String(item, "repository", file, problems) ?? "",
                Condition = String(item, "condition", file, problems),
                Tags = Strings(item, "tags", file, problems),
                Alias = alias,
            };
        })];

    private static IEnumerable<YamlMapping> Items(YamlMapping root, string key, string file, DiagnosticBag problems)
    {
        switch (root.Get(key))
        {
            case YamlSequence sequence:
                foreach (var (item, i) in sequence.Items.Select((item, i) => (item, i)))
                {
                    if (item is YamlMapping map)
                    {
                        yield return map;
                    }
                    else
                    {
                        problems.Add(item.Location, $"{key}[{i}]", $"{key}[{i}] is {item.Describe()}, not a mapping", $"write each of {key} as a mapping with name:");
                    }
                }

                break;
            case null or YamlScalar { Kind: ScalarKind.Null }:
                break;
            case var other:
                problems.Add(other.Location, key, $"{key} is {other.Describe()}, not a list", $"write {key} as a list in {file}");
                break;
        }
    }

    [GeneratedRegex("^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-zA-Z0-9_-]+$")]
    private static partial Regex AliasPattern();
}
