using System.Collections.Immutable;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Sluice.Model.Diagnostics;
using Sluice.Oci;

namespace Sluice.Catalog.Charts;

/// <summary>The fixed values that make a chart archive reproducible.</summary>
public sealed record ChartPackageOptions
{
    /// <summary>The modification time of every entry (such as the commit's time); the Unix epoch by default.</summary>
    public DateTimeOffset ModificationTime { get; init; } = DateTimeOffset.UnixEpoch;

    /// <summary>The gzip level; part of what fixes the digest.</summary>
    public CompressionLevel CompressionLevel { get; init; } = CompressionLevel.Optimal;
}

/// <summary>A packaged chart.</summary>
/// <param name="Path">Where the archive was written, or null when it was written to a stream.</param>
/// <param name="FileName">The archive's name as Helm gives it: <c>NAME-VERSION.tgz</c>.</param>
/// <param name="Chart">The chart's metadata, overrides applied.</param>
/// <param name="Descriptor">The archive as an OCI blob: Helm's chart content media type, digest and size.</param>
/// <param name="Entries">The archive's entry names in order, such as <c>agenda/Chart.yaml</c>.</param>
public sealed record ChartPackage(string? Path, string FileName, ChartMetadata Chart, Descriptor Descriptor, ImmutableArray<string> Entries);

/// <summary>What packaging a chart did: the package, or the problems that stopped it.</summary>
/// <param name="Package">The package, or null when the chart is not valid.</param>
/// <param name="Problems">Every problem found; empty when the chart was packaged.</param>
public sealed record ChartPackageResult(ChartPackage? Package, ImmutableArray<Diagnostic> Problems);

/// <summary>
/// Packages a chart directory as <c>helm package</c> does, reproducibly: the overrides are applied to
/// Chart.yaml and values.yaml (editing only the values they set), the chart is validated as
/// <see cref="ChartValidator"/> does, and the archive holds regular files only, under <c>NAME/</c>, in
/// Helm's order (Chart.yaml, Chart.lock, values.yaml, values.schema.json, templates, other files, then
/// each subchart in the same order under <c>charts/</c>), leaving out what <c>.helmignore</c> names.
/// Every entry has mode 0644, owner 0:0 without names and the same time, so the same inputs give the
/// same bytes.
/// </summary>
public static class ChartPackager
{
    /// <summary>Writes <c>NAME-VERSION.tgz</c> into <paramref name="outputDirectory"/> (made if missing).</summary>
    public static async Task<ChartPackageResult> PackageAsync(string chartDirectory, string outputDirectory, ChartOverrides? overrides, ChartPackageOptions? options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        using var buffer = new MemoryStream();
        var result = await WriteAsync(chartDirectory, buffer, overrides, options, cancellationToken);
        if (result.Package is not { } package)
        {
            return result;
        }

        Directory.CreateDirectory(outputDirectory);
        var path = System.IO.Path.Combine(outputDirectory, package.FileName);
        await File.WriteAllBytesAsync(path, buffer.ToArray(), cancellationToken);
        return result with { Package = package with { Path = path } };
    }

    /// <summary>Writes the archive to <paramref name="destination"/> (left open); nothing is written when the chart is not valid.</summary>
    public static async Task<ChartPackageResult> WriteAsync(string chartDirectory, Stream destination, ChartOverrides? overrides, ChartPackageOptions? options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(chartDirectory);
        ArgumentNullException.ThrowIfNull(destination);
        options ??= new ChartPackageOptions();
        var problems = new DiagnosticBag();
        var source = ChartSource.Load(chartDirectory, overrides ?? ChartOverrides.None, problems);
        if (source is not null)
        {
            ValuesSchema.Check(source, problems);
        }

        HelmIgnore? ignore = null;
        try
        {
            ignore = HelmIgnore.Load(chartDirectory);
        }
        catch (FormatException exception)
        {
            problems.Add(new SourceLocation(System.IO.Path.Combine(chartDirectory, HelmIgnore.FileName), 0, 0), "", exception.Message, "fix the rule");
        }

        if (source is null || ignore is null || problems.HasErrors)
        {
            return new ChartPackageResult(null, problems.ToImmutable());
        }

        var files = ChartTree.Walk(chartDirectory, ignore);
        files[ChartFile.FileName] = Encoding.UTF8.GetBytes(source.ChartYaml);
        if (source.ValuesYaml is not null)
        {
            files[ChartSource.ValuesFile] = Encoding.UTF8.GetBytes(source.ValuesYaml);
        }

        var entries = ChartTree.Order(source.Metadata.Name, source.Metadata.ApiVersion, files);
        using var archive = new MemoryStream();
        await WriteArchiveAsync(archive, entries, options, cancellationToken);
        var bytes = archive.ToArray();
        await destination.WriteAsync(bytes, cancellationToken);
        var package = new ChartPackage(
            null,
            $"{source.Metadata.Name}-{source.Metadata.Version}.tgz",
            source.Metadata,
            Descriptor.FromContent(MediaTypes.HelmChartContent, bytes),
            [.. entries.Select(e => e.Name)]);
        return new ChartPackageResult(package, []);
    }

    private static async Task WriteArchiveAsync(Stream destination, IReadOnlyList<(string Name, byte[] Content)> entries, ChartPackageOptions options, CancellationToken cancellationToken)
    {
        await using var gzip = new GZipStream(destination, options.CompressionLevel, leaveOpen: true);
        await using var tar = new TarWriter(gzip, TarEntryFormat.Ustar, leaveOpen: true);
        foreach (var (name, content) in entries)
        {
            PosixTarEntry entry = Encoding.UTF8.GetByteCount(name) <= 100
                ? new UstarTarEntry(TarEntryType.RegularFile, name)
                : new GnuTarEntry(TarEntryType.RegularFile, name) { AccessTime = options.ModificationTime, ChangeTime = options.ModificationTime };
            entry.ModificationTime = options.ModificationTime;
            entry.Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            entry.Uid = 0;
            entry.Gid = 0;
            entry.UserName = "";
            entry.GroupName = "";
            await using var data = new MemoryStream(content, writable: false);
            entry.DataStream = data;
            await tar.WriteEntryAsync(entry, cancellationToken);
        }
    }
}
