using System.Collections.Immutable;
using Sluice.Catalog.Charts;
using Sluice.Engine.CustomTasks;
using Sluice.Model.Tasks;

namespace Sluice.Catalog.Custom;

/// <summary>
/// <c>HelmChart</c>: checks a chart (Chart.yaml's fields, values against values.schema.json), sets its
/// version, app version and image values, packages it reproducibly and pushes it with Helm's OCI media
/// types, by digest only.
/// </summary>
public sealed class HelmChartTask(CatalogServices services) : CatalogCustomTask(services)
{
    /// <inheritdoc />
    public override string Kind => "HelmChart";

    /// <inheritdoc />
    public override TaskSpec Declaration { get; } = new()
    {
        Description = """
            Checks, versions, packages and pushes a Helm chart as an OCI artifact, by digest.
            Chart.yaml must have apiVersion, a valid name and a SemVer version; values.yaml (with the overrides) must
            satisfy values.schema.json when there is one. Every problem is reported with its file, line and fix.
            Templates are not rendered. The archive is Helm's (NAME-VERSION.tgz, entries under NAME/) with fixed
            times and owners, so the same chart gives the same digest; it is pushed to REGISTRY/NAME with Helm's
            media types and no tag: the Release task tags it.
            """,
        Params =
        [
            Param("chart", "The chart's directory in the source workspace."),
            Param("registry", "Where charts go, such as registry.example.com/charts; the chart is pushed to REGISTRY/NAME."),
            Param("version", "The chart's version; empty keeps Chart.yaml's.", string.Empty),
            Param("app-version", "The chart's appVersion; empty: version when given, else Chart.yaml's.", string.Empty),
            ArrayParam("values", "PATH=VALUE settings of values.yaml, such as agenda.image.digest=sha256:..., set as strings."),
            Param("output", "The directory of the source workspace the archive is written to.", ".sluice/charts"),
            Param("source-date-epoch", "Seconds since the epoch for the archive's entries; empty: 0.", string.Empty),
        ],
        Results =
        [
            Result("CHART_ARTIFACT_URI", "The chart's repository, REGISTRY/NAME."),
            Result("CHART_ARTIFACT_DIGEST", "The chart manifest's digest."),
            Result("chart-ref", "REGISTRY/NAME@DIGEST."),
            Result("chart-name", "The chart's name."),
            Result("chart-version", "The chart's version as packaged."),
            Result("outcome", "pushed, or up-to-date when the registry had it already."),
        ],
        Workspaces =
        [
            Workspace("source", "Holds the chart."),
            Workspace(DockerConfigWorkspace, "A Docker configuration with credentials for the registry; else the user's.", optional: true),
        ],
    };

    /// <inheritdoc />
    protected override async ValueTask<CustomTaskOutcome> ExecuteAsync(CustomTaskContext context, CancellationToken cancellationToken)
    {
        var destination = PublishParams.Repository(context, "registry", "give the repository the chart goes under");
        var chart = InWorkspace(context, "source", context.Param("chart"));
        if (!File.Exists(Path.Combine(chart, ChartFile.FileName)))
        {
            throw new CatalogTaskFailure("ChartInvalid", $"{context.Param("chart")}/{ChartFile.FileName} is not in workspace \"source\"");
        }

        var version = context.Param("version");
        var appVersion = context.Param("app-version");
        var overrides = new ChartOverrides
        {
            Version = version.Length > 0 ? version : null,
            AppVersion = appVersion.Length > 0 ? appVersion : version.Length > 0 ? version : null,
            Values = Settings(context.ArrayParam("values")),
        };
        var output = InWorkspace(context, "source", context.Param("output"));
        var packaged = await ChartPackager.PackageAsync(chart, output, overrides, new ChartPackageOptions { ModificationTime = PublishParams.SourceDateEpoch(context) }, cancellationToken).ConfigureAwait(false);
        if (packaged.Package is not { } package)
        {
            foreach (var problem in packaged.Problems)
            {
                await context.Log.WriteLineAsync(Relative(context, problem.ToString()), cancellationToken).ConfigureAwait(false);
            }

            var count = packaged.Problems.Length;
            throw new CatalogTaskFailure("ChartInvalid", $"{count} problem{(count == 1 ? string.Empty : "s")} in chart {context.Param("chart")}: {Relative(context, string.Join("; ", packaged.Problems.Select(p => p.ToString())))}");
        }

        await context.Log.WriteLineAsync($"packaged {package.FileName} ({package.Descriptor.Size} bytes, {package.Entries.Length} files, {package.Descriptor.Digest})", cancellationToken).ConfigureAwait(false);
        using var registry = OpenRegistry(context);
        var pushed = await new HelmOciPusher(registry).PushAsync(package.Path!, destination, cancellationToken).ConfigureAwait(false);
        var reference = pushed.Reference.ToString();
        await context.Log.WriteLineAsync($"{reference}: {pushed.Outcome.ToResult()}", cancellationToken).ConfigureAwait(false);
        return CustomTaskOutcome.Success(
            Results(
                ("CHART_ARTIFACT_URI", pushed.Repository.ToString()),
                ("CHART_ARTIFACT_DIGEST", pushed.Manifest.Digest.ToString()),
                ("chart-ref", reference),
                ("chart-name", pushed.Chart.Name),
                ("chart-version", pushed.Chart.Version),
                ("outcome", pushed.Outcome.ToResult())),
            $"chart {pushed.Chart.Name} {pushed.Chart.Version}: {reference} ({pushed.Outcome.ToResult()})");
    }

    private static ImmutableSortedDictionary<string, string> Settings(ImmutableArray<string> items)
    {
        var settings = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CatalogTaskFailure("InvalidParam", $"param values: \"{item}\" is not PATH=VALUE, such as agenda.image.tag=1.2.3");
            }

            settings[item[..equals]] = item[(equals + 1)..];
        }

        return settings.ToImmutable();
    }

    /// <summary>Problems name files by their path in the workspace, not on this machine.</summary>
    private static string Relative(CustomTaskContext context, string text) =>
        context.Workspace("source") is { } root ? text.Replace(Path.GetFullPath(root).TrimEnd('/') + "/", string.Empty, StringComparison.Ordinal) : text;
}
