using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Sluice.Catalog.Charts;

namespace Sluice.Catalog.Tests.Charts;

/// <summary>Chart archives as helm package writes them, and the same bytes from the same inputs.</summary>
public sealed class ChartPackagerTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task The_archive_is_NAME_VERSION_tgz_with_Helm_s_entry_order_and_without_ignored_files()
    {
        var chart = WriteChart("agenda");

        var result = await ChartPackager.PackageAsync(chart, _directory.Combine("out"), new ChartOverrides { Version = "1.4.0" }, null, Cancel);

        var package = result.Package ?? throw new InvalidOperationException(string.Join("\n", result.Problems));
        Assert.Equal(_directory.Combine("out", "agenda-1.4.0.tgz"), package.Path);
        Assert.Equal(
            [
                "agenda/Chart.yaml", "agenda/Chart.lock", "agenda/values.yaml", "agenda/values.schema.json",
                "agenda/templates/_helpers.tpl", "agenda/templates/deployment.yaml", "agenda/templates/tests/test.yaml",
                "agenda/.helmignore", "agenda/README.md", "agenda/docs/guide.md", "agenda/docs-index.md",
                "agenda/charts/cache/Chart.yaml", "agenda/charts/cache/values.yaml", "agenda/charts/cache/templates/cm.yaml",
            ],
            package.Entries);
        Assert.Equal(package.Entries, ReadEntries(package.Path!).Select(e => e.Name));
        Assert.Equal(Digest(package.Path!), package.Descriptor.Digest.ToString());
    }

    [Fact]
    public async Task Every_entry_is_a_regular_file_with_mode_0644_owner_0_and_the_given_time()
    {
        var chart = WriteChart("agenda");
        File.SetUnixFileMode(Path.Combine(chart, "README.md"), (UnixFileMode)0x1ED);
        var time = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

        var result = await ChartPackager.PackageAsync(chart, _directory.Combine("out"), null, new ChartPackageOptions { ModificationTime = time }, Cancel);

        Assert.All(ReadEntries(result.Package!.Path!), entry =>
        {
            Assert.Equal(TarEntryType.RegularFile, entry.EntryType);
            Assert.Equal((UnixFileMode)0x1A4, entry.Mode);
            Assert.Equal((0, 0, time), (entry.Uid, entry.Gid, entry.ModificationTime));
        });
    }

    [Fact]
    public async Task The_same_chart_in_two_checkouts_with_other_file_times_gives_the_same_bytes()
    {
        var one = WriteChart("one/agenda");
        var two = WriteChart("elsewhere/two/agenda");
        foreach (var file in Directory.EnumerateFiles(two, "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddDays(-3));
        }

        var overrides = new ChartOverrides { Version = "2.0.0", AppVersion = "abc123", Values = ChartValidatorTests.Values(("agenda.image.digest", "sha256:0123")) };
        var first = await ChartPackager.PackageAsync(one, _directory.Combine("out1"), overrides, null, Cancel);
        var second = await ChartPackager.PackageAsync(two, _directory.Combine("out2"), overrides, null, Cancel);
        var other = await ChartPackager.PackageAsync(two, _directory.Combine("out3"), overrides with { AppVersion = "def456" }, null, Cancel);

        Assert.Equal(await File.ReadAllBytesAsync(first.Package!.Path!, Cancel), await File.ReadAllBytesAsync(second.Package!.Path!, Cancel));
        Assert.Equal(first.Package.Descriptor, second.Package.Descriptor);
        Assert.NotEqual(first.Package.Descriptor.Digest, other.Package!.Descriptor.Digest);
    }

    [Fact]
    public async Task The_overrides_are_in_the_archive_s_Chart_yaml_and_values_yaml_and_the_rest_of_each_file_is_kept()
    {
        var chart = WriteChart("agenda");
        var overrides = new ChartOverrides
        {
            Version = "1.4.0",
            AppVersion = "abc123",
            Values = ChartValidatorTests.Values(("agenda.image.repository", "registry.local/agenda"), ("agenda.image.digest", "sha256:0123")),
        };

        var result = await ChartPackager.PackageAsync(chart, _directory.Combine("out"), overrides, null, Cancel);

        var entries = ReadEntries(result.Package!.Path!).ToDictionary(e => e.Name, e => e.Text);
        Assert.Equal("# The agenda service.\napiVersion: v2\nname: agenda\nversion: \"1.4.0\" # set by the pipeline\nappVersion: abc123\n", entries["agenda/Chart.yaml"]);
        Assert.Equal("agenda:\n  image:\n    repository: \"registry.local/agenda\" # overridden\n    digest: sha256:0123\nreplicaCount: 1\n", entries["agenda/values.yaml"]);
        Assert.Equal(("1.4.0", "abc123"), (result.Package.Chart.Version, result.Package.Chart.AppVersion));
    }

    [Fact]
    public async Task A_packaged_subchart_in_charts_is_written_expanded_under_its_name_as_Helm_does()
    {
        var chart = WriteChart("agenda");
        var cache = await ChartPackager.PackageAsync(Path.Combine(chart, "charts", "cache"), Path.Combine(chart, "charts"), null, null, Cancel);
        Directory.Delete(Path.Combine(chart, "charts", "cache"), recursive: true);

        var result = await ChartPackager.PackageAsync(chart, _directory.Combine("out"), null, null, Cancel);

        Assert.Equal(Path.Combine(chart, "charts", "cache-0.3.0.tgz"), cache.Package!.Path);
        Assert.Equal(
            ["agenda/charts/cache/Chart.yaml", "agenda/charts/cache/values.yaml", "agenda/charts/cache/templates/cm.yaml"],
            result.Package!.Entries.Where(e => e.StartsWith("agenda/charts/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_invalid_chart_is_not_packaged_and_says_why()
    {
        var chart = WriteChart("agenda");
        var output = _directory.Combine("out");

        var result = await ChartPackager.PackageAsync(chart, output, new ChartOverrides { Values = ChartValidatorTests.Values(("replicaCount", "many")) }, null, Cancel);

        Assert.Null(result.Package);
        Assert.Equal("replicaCount", Assert.Single(result.Problems).FieldPath);
        Assert.False(Directory.Exists(output));
    }

    /// <summary>
    /// A chart with a lock file, a schema, templates (one hidden, one ignored), a subchart, files the
    /// .helmignore leaves out, and names whose walk order differs from a plain sort ("docs/" before "docs-index.md").
    /// </summary>
    private string WriteChart(string relative)
    {
        var root = _directory.Combine(relative);
        void Write(string path, string content)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }

        Write("Chart.yaml", "# The agenda service.\napiVersion: v2\nname: agenda\nversion: 0.1.0 # set by the pipeline\n");
        Write("Chart.lock", "dependencies: []\n");
        Write("values.yaml", "agenda:\n  image:\n    repository: \"busybox\" # overridden\nreplicaCount: 1\n");
        Write("values.schema.json", """{"type":"object","properties":{"replicaCount":{"type":"integer"}}}""");
        Write(".helmignore", "# Patterns to ignore when packaging.\n*.bak\nsecrets/\n/local.env\n");
        Write("README.md", "# agenda\n");
        Write("docs-index.md", "index\n");
        Write("docs/guide.md", "guide\n");
        Write("notes.bak", "ignored\n");
        Write("local.env", "ignored\n");
        Write("secrets/token", "ignored\n");
        Write("templates/deployment.yaml", "kind: Deployment\n");
        Write("templates/_helpers.tpl", "{{/* helpers */}}\n");
        Write("templates/.editor.swp", "hidden\n");
        Write("templates/tests/test.yaml", "kind: Pod\n");
        Write("charts/cache/Chart.yaml", "apiVersion: v2\nname: cache\nversion: 0.3.0\n");
        Write("charts/cache/values.yaml", "size: 1\n");
        Write("charts/cache/templates/cm.yaml", "kind: ConfigMap\n");
        return root;
    }

    private static List<(string Name, TarEntryType EntryType, UnixFileMode Mode, int Uid, int Gid, DateTimeOffset ModificationTime, string Text)> ReadEntries(string archive)
    {
        using var gzip = new GZipStream(File.OpenRead(archive), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        var entries = new List<(string, TarEntryType, UnixFileMode, int, int, DateTimeOffset, string)>();
        while (tar.GetNextEntry() is { } entry)
        {
            using var reader = new StreamReader(entry.DataStream!, Encoding.UTF8);
            entries.Add((entry.Name, entry.EntryType, entry.Mode, entry.Uid, entry.Gid, entry.ModificationTime, reader.ReadToEnd()));
        }

        return entries;
    }

    private static string Digest(string path) => "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));
}
