using System.Collections.Immutable;
using Sluice.Cli.Caching;
using Sluice.Cli.Commands;
using Sluice.Cli.Tests.History;
using Sluice.Cli.Tests.Processes;
using Sluice.Engine.Caching;
using Sluice.Oci;
using Sluice.Oci.Layout;
using Sluice.Store;
using Sluice.Store.Caching;

namespace Sluice.Cli.Tests.Caching;

/// <summary><c>sluice cache ls|inspect|prune</c>: their output as golden files, and the real program over a seeded home.</summary>
public sealed class CacheCommandTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly string _home = Directory.CreateTempSubdirectory("sluice-cache-cli-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Theory]
    [InlineData("1048576", 1_048_576L)]
    [InlineData("512B", 512L)]
    [InlineData("10G", 10_737_418_240L)]
    [InlineData("500MiB", 524_288_000L)]
    [InlineData("2GB", 2_000_000_000L)]
    [InlineData("1.5k", 1_536L)]
    [InlineData("ten", null)]
    [InlineData("-5M", null)]
    [InlineData("", null)]
    public void Sizes_read_binary_and_decimal_units(string text, long? expected) => Assert.Equal(expected, Sizes.Parse(text));

    [Theory]
    [InlineData("30d", 30 * 24 * 60)]
    [InlineData("720h", 720 * 60)]
    [InlineData("1h30m", 90)]
    [InlineData("soon", null)]
    [InlineData("-1h", null)]
    public void Ages_read_go_durations_and_days(string text, int? minutes) =>
        Assert.Equal(minutes is { } m ? TimeSpan.FromMinutes(m) : null, CacheCommand.ParseAge(text));

    [Fact]
    public void Ls_and_inspect_print_the_entries_as_golden_files()
    {
        var layer = new Descriptor { MediaType = MediaTypes.LayerGzip, Digest = Digest.Sha256("layer"u8), Size = 3_500_000 };
        var entries = new[]
        {
            Entry("compile", TimeSpan.FromMinutes(3), TimeSpan.FromDays(2), layer, "build-run-x7k2p-compile"),
            Entry("version", TimeSpan.FromHours(5), TimeSpan.FromHours(5), null, null),
        };
        var output = new StringWriter();

        CacheTable.Write(output, entries, new FixedClock(Now));
        output.Write("---\n");
        CacheTable.Describe(output, entries[0], new FixedClock(Now));
        output.Write("---\n");
        CacheTable.Describe(output, entries[1], new FixedClock(Now));

        Snapshot.Match("cache", output.ToString());
    }

    [Fact]
    public async Task The_program_lists_inspects_and_prunes_the_cache_of_its_home()
    {
        var (kept, pruned) = await SeedAsync();

        var (listExit, list) = await SluiceProcess.RunAsync(_home, "cache", "ls");
        Assert.True(listExit == 0, list);
        Assert.Contains($"sha256:{kept.Encoded[..12]}", list, StringComparison.Ordinal);
        Assert.Contains("2 entries", list, StringComparison.Ordinal);

        var (inspectExit, inspect) = await SluiceProcess.RunAsync(_home, "cache", "inspect", kept.Encoded[..10]);
        Assert.True(inspectExit == 0, inspect);
        Assert.Contains($"Key:          {kept}", inspect, StringComparison.Ordinal);
        Assert.Contains("commit   abc123", inspect, StringComparison.Ordinal);

        var (unknownExit, unknown) = await SluiceProcess.RunAsync(_home, "cache", "inspect", "ffffffffffff");
        Assert.Equal(2, unknownExit);
        Assert.Contains("no cache entry with key ffffffffffff", unknown, StringComparison.Ordinal);

        var (badExit, bad) = await SluiceProcess.RunAsync(_home, "cache", "prune", "--max-size", "lots");
        Assert.Equal(2, badExit);
        Assert.Contains("--max-size lots: expected a size", bad, StringComparison.Ordinal);

        var (pruneExit, prune) = await SluiceProcess.RunAsync(_home, "cache", "prune", "--older-than", "7d");
        Assert.True(pruneExit == 0, prune);
        Assert.Contains("Removed 1 entries", prune, StringComparison.Ordinal);
        Assert.Contains("and 1 blobs; kept 1 entries", prune, StringComparison.Ordinal);
        Assert.False(File.Exists(OciLayout.Open(Path.Combine(_home, "blobs")).BlobPath(pruned)));

        var (_, after) = await SluiceProcess.RunAsync(_home, "cache", "ls");
        Assert.Contains("1 entries", after, StringComparison.Ordinal);
    }

    /// <summary>Two entries in the home's store: one used now, one (with its own blob) last used 30 days ago.</summary>
    private async Task<(Digest Kept, Digest PrunedBlob)> SeedAsync()
    {
        var clock = new FixedClock(DateTimeOffset.UtcNow.AddDays(-30));
        var blobs = OciLayout.Open(Path.Combine(_home, "blobs"));
        await using var store = await RunStore.OpenAsync(StoreLocation.Sqlite(Path.Combine(_home, "sluice.db")), null, Cancel);
        var index = new CacheIndex(store, blobs, new CacheLeases(Path.Combine(_home, "cache", "leases")), clock);
        using var old = new MemoryStream("old output"u8.ToArray());
        var oldBlob = await blobs.PutAsync(old, MediaTypes.Layer, Cancel);
        await index.PutAsync(Digest.Sha256("old"u8), new CacheResult { Outputs = [oldBlob] }, Cancel);
        clock.Now = DateTimeOffset.UtcNow;
        var kept = Digest.Sha256("kept"u8);
        await index.PutAsync(kept, new CacheResult { Results = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("commit", "abc123")]) }, Cancel);
        return (kept, oldBlob.Digest);
    }

    private static CacheEntry Entry(string name, TimeSpan used, TimeSpan created, Descriptor? output, string? source) => new()
    {
        Key = Digest.Sha256(System.Text.Encoding.UTF8.GetBytes(name)),
        Result = new CacheResult
        {
            Results = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("commit", "9f3c1e2"), KeyValuePair.Create("version", "1.4.0")]),
            Outputs = output is null ? [] : [output],
            SourceRun = source is null ? null : "0b7c1a52-1111-4e2a-9c1d-000000000001",
            SourceTaskRun = source,
        },
        Size = (output?.Size ?? 0) + 24,
        Created = Now - created,
        LastUsed = Now - used,
    };

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
