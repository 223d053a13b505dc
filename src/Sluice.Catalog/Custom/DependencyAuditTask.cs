using System.Collections.Immutable;
using System.Globalization;
using Sluice.Catalog.Audit;
using Sluice.Engine.CustomTasks;
using Sluice.Model.Pipelines;
using Sluice.Model.Tasks;

namespace Sluice.Catalog.Custom;

/// <summary>
/// <c>DependencyAudit</c>: a CycloneDX SBOM of the NuGet packages a restore resolved, written into the
/// workspace, and a check of those packages against an OSV advisory database; a matched advisory that is
/// not ignored fails the task naming the package, version, advisory and fix.
/// </summary>
public sealed class DependencyAuditTask(CatalogServices services) : CatalogCustomTask(services)
{
    /// <summary>The optional workspace that holds the advisory database.</summary>
    public const string AdvisoriesWorkspace = "advisories";

    /// <inheritdoc />
    public override string Kind => "DependencyAudit";

    /// <inheritdoc />
    public override TaskSpec Declaration { get; } = new()
    {
        Description = """
            A CycloneDX SBOM of the NuGet packages a restore resolved, and a check of them against OSV advisories.
            Every obj/project.assets.json under the project directory (dotnet restore or build writes them) is read:
            each package of each framework and runtime, direct or transitive, is one component with its purl and hash.
            The bill is written to the source workspace, the same restore giving the same bytes. With an advisory
            database (a directory or zip of OSV JSON files, or an http(s) URL), a package version an advisory affects
            fails the task naming the package, version, advisory and the version that fixes it, unless its id is ignored.
            """,
        Params =
        [
            Param("project", "The directory of the source workspace under which every obj/project.assets.json is read.", "."),
            Param("advisories", "The OSV advisories: a directory or .zip in the advisories workspace (else in source), or an http(s) URL; empty: the advisories workspace when bound, else no check.", string.Empty),
            Param("sbom", "Where in the source workspace the CycloneDX JSON is written.", ".sluice/sbom.cdx.json"),
            ArrayParam("ignore", "Advisory ids (or their aliases, such as CVE numbers) that are accepted."),
            Param("name", "The SBOM's component name; empty: the restored project's, or with several the directory's.", string.Empty),
            Param("version", "The SBOM's component version; empty: the restored project's when there is one.", string.Empty),
        ],
        Results =
        [
            Result("components", "How many packages the SBOM lists."),
            Result("advisories", "How many advisories matched a package and were not ignored."),
            Result("sbom", "The SBOM's path in the source workspace."),
        ],
        Workspaces =
        [
            Workspace("source", "Holds the restored projects; the SBOM is written there."),
            Workspace(AdvisoriesWorkspace, "Holds an OSV database (such as OSV's NuGet all.zip, expanded or not).", optional: true),
        ],
    };

    /// <inheritdoc />
    protected override async ValueTask<CustomTaskOutcome> ExecuteAsync(CustomTaskContext context, CancellationToken cancellationToken)
    {
        var projectParam = context.Param("project");
        var project = InWorkspace(context, "source", projectParam);
        var bill = Bill(project, projectParam, context.Param("name"), context.Param("version"));
        var sbomParam = context.Param("sbom");
        var sbom = InWorkspace(context, "source", sbomParam);
        if (Directory.Exists(sbom))
        {
            throw new CatalogTaskFailure("InvalidParam", $"param sbom \"{sbomParam}\" is a directory in workspace \"source\"; give a file path such as .sluice/sbom.cdx.json");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(sbom)!);
        await File.WriteAllBytesAsync(sbom, bill.ToJson(), cancellationToken).ConfigureAwait(false);
        var count = bill.Components.Length;
        var shipped = bill.Components.Count(c => c.Scope == "required");
        await context.Log.WriteLineAsync($"{sbomParam}: {bill.BomRef}, {Plural(count, "package")} ({shipped} shipped, {count - shipped} build-only)", cancellationToken).ConfigureAwait(false);

        if (await LoadAdvisoriesAsync(context, cancellationToken).ConfigureAwait(false) is not { } database)
        {
            await context.Log.WriteLineAsync("no advisory database given: SBOM only", cancellationToken).ConfigureAwait(false);
            return Succeeded(count, 0, sbomParam, $"{Plural(count, "package")} in {sbomParam}; not checked: no advisory database given");
        }

        var ignore = context.ArrayParam("ignore").ToImmutableHashSet(StringComparer.OrdinalIgnoreCase);
        var all = AdvisoryCheck.Check(bill.Components, database);
        var ignored = all.Where(m => ignore.Contains(m.AdvisoryId) || m.Aliases.Any(ignore.Contains)).ToImmutableArray();
        var matches = all.Except(ignored).ToImmutableArray();
        foreach (var match in ignored)
        {
            await context.Log.WriteLineAsync($"ignored: {match}", cancellationToken).ConfigureAwait(false);
        }

        foreach (var id in ignore.Where(id => !all.Any(m => m.AdvisoryId.Equals(id, StringComparison.OrdinalIgnoreCase) || m.Aliases.Contains(id, StringComparer.OrdinalIgnoreCase))).Order(StringComparer.Ordinal))
        {
            await context.Log.WriteLineAsync($"ignore: {id} matches no package; remove it from param ignore", cancellationToken).ConfigureAwait(false);
        }

        foreach (var match in matches)
        {
            await context.Log.WriteLineAsync(match.ToString(), cancellationToken).ConfigureAwait(false);
        }

        var checkedText = $"{Plural(count, "package")} checked against {Plural(database.Advisories.Length, "advisory")}";
        await context.Log.WriteLineAsync($"{checkedText}: {matches.Length} matched, {ignored.Length} ignored", cancellationToken).ConfigureAwait(false);
        if (!matches.IsEmpty)
        {
            var more = matches.Length == 1 ? string.Empty : $" (and {matches.Length - 1} more, listed in the log)";
            var message = $"{Plural(matches.Length, "advisory")} match{(matches.Length == 1 ? "es" : string.Empty)}: {matches[0]}{more}; update the package, or accept the advisory with param ignore";
            return CustomTaskOutcome.Failed("AdvisoryMatched", message) with { Results = Results(count, matches.Length, sbomParam) };
        }

        return Succeeded(count, 0, sbomParam, $"{checkedText}, none matched{(ignored.IsEmpty ? string.Empty : $" ({ignored.Length} ignored)")}; SBOM in {sbomParam}");
    }

    private static SbomDocument Bill(string project, string projectParam, string name, string version)
    {
        if (!Directory.Exists(project))
        {
            throw new CatalogTaskFailure("NotRestored", $"{projectParam} is not a directory in workspace \"source\"; give param project the directory of the projects, restored by an earlier task");
        }

        try
        {
            return Sbom.FromDirectory(project, new SbomOptions { Name = name.Length > 0 ? name : null, Version = version.Length > 0 ? version : null });
        }
        catch (FileNotFoundException)
        {
            throw new CatalogTaskFailure("NotRestored", $"no obj/{Sbom.AssetsFileName} under {projectParam} in workspace \"source\": run dotnet restore (or dotnet build) on its projects in an earlier task on the same workspace");
        }
        catch (InvalidDataException e)
        {
            throw new CatalogTaskFailure("NotRestored", Relative(e.Message, project, projectParam));
        }
    }

    private async Task<OsvDatabase?> LoadAdvisoriesAsync(CustomTaskContext context, CancellationToken cancellationToken)
    {
        var source = context.Param("advisories");
        var bound = context.Workspace(AdvisoriesWorkspace) is not null;
        if (source.Length == 0 && !bound)
        {
            return null;
        }

        var isUrl = Uri.TryCreate(source, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
        var workspace = bound ? AdvisoriesWorkspace : "source";
        var path = isUrl ? source : InWorkspace(context, workspace, source.Length == 0 ? "." : source);
        var shown = isUrl ? source : source.Length == 0 ? $"workspace \"{workspace}\"" : $"{source} in workspace \"{workspace}\"";
        try
        {
            using var http = Services.HttpClientFactory();
            var database = await OsvDatabase.LoadAsync(path, http, cancellationToken).ConfigureAwait(false);
            await context.Log.WriteLineAsync($"{shown}: {Plural(database.Advisories.Length, "advisory")}", cancellationToken).ConfigureAwait(false);
            return database;
        }
        catch (FileNotFoundException)
        {
            throw new CatalogTaskFailure("AdvisoriesMissing", $"param advisories: {shown} does not exist; give a directory or zip of OSV advisories there, or an http(s) URL");
        }
        catch (InvalidDataException e)
        {
            var root = context.Workspace(workspace);
            throw new CatalogTaskFailure("AdvisoriesInvalid", $"param advisories: {(root is null ? e.Message : Relative(e.Message, Path.GetFullPath(root), "."))}");
        }
    }

    private static CustomTaskOutcome Succeeded(int components, int advisories, string sbom, string message) =>
        CustomTaskOutcome.Success(Results(components, advisories, sbom), message);

    /// <summary>The results, which a failure keeps too so later tasks and <c>sluice describe</c> see the counts.</summary>
    private static ImmutableDictionary<string, ParamValue> Results(int components, int advisories, string sbom) =>
        Results(("components", components.ToString(CultureInfo.InvariantCulture)), ("advisories", advisories.ToString(CultureInfo.InvariantCulture)), ("sbom", sbom));

    private static string Plural(int count, string noun) =>
        $"{count} {(count == 1 ? noun : noun.EndsWith('y') ? noun[..^1] + "ies" : noun + "s")}";

    /// <summary>Messages name files by their path in the workspace, not on this machine.</summary>
    private static string Relative(string text, string directory, string shown) =>
        text.Replace(Path.TrimEndingDirectorySeparator(directory) + "/", shown == "." ? string.Empty : shown.TrimEnd('/') + "/", StringComparison.Ordinal);
}
