using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Sluice.Oci.Layers;

namespace Sluice.Oci.Tests;

public sealed class LayerBuilderTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task The_same_files_at_other_paths_and_times_give_the_same_digests()
    {
        var first = MakeTree("one", DateTime.UtcNow.AddDays(-3));
        var second = MakeTree("two/nested", DateTime.UtcNow);

        var a = await WriteAsync(new LayerBuilder().AddDirectory(first, "/app"));
        var b = await WriteAsync(new LayerBuilder().AddDirectory(second, "app/"));

        Assert.Equal(a.Layer, b.Layer);
        Assert.Equal(a.Bytes, b.Bytes);
        Assert.Equal(MediaTypes.LayerGzip, a.Layer.Descriptor.MediaType);
        Assert.Equal(Digest.Sha256(a.Bytes), a.Layer.Descriptor.Digest);
    }

    [Fact]
    public async Task The_diff_id_is_the_digest_of_the_uncompressed_tar()
    {
        var (layer, bytes) = await WriteAsync(new LayerBuilder().AddDirectory(MakeTree("t", DateTime.UtcNow), "app"));

        using var tar = new MemoryStream();
        await using (var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress))
        {
            await gzip.CopyToAsync(tar, Cancel);
        }

        Assert.Equal(layer.DiffId, Digest.Sha256(tar.ToArray()));
        Assert.Equal(tar.Length, layer.UncompressedSize);
    }

    [Fact]
    public async Task DigestAsync_gives_the_diff_id_and_size_that_writing_the_layer_gives()
    {
        var builder = new LayerBuilder().AddDirectory(MakeTree("t", DateTime.UtcNow), "app");

        var (diffId, size) = await builder.DigestAsync(Cancel);
        var (layer, _) = await WriteAsync(builder);

        Assert.Equal((layer.DiffId, layer.UncompressedSize), (diffId, size));
    }

    [Fact]
    public async Task A_filtered_directory_keeps_the_entries_taken_with_their_parents_and_offers_every_child()
    {
        var tree = MakeTree("t", DateTime.UtcNow);
        var offered = new List<string>();

        var (_, bytes) = await WriteAsync(new LayerBuilder(new LayerOptions { Compress = false })
            .AddDirectory(tree, "/app", path => { offered.Add(path); return path is "sub/deep.txt" or "bin/run"; }));

        Assert.Equal(["app/", "app/bin/", "app/bin/run", "app/sub/", "app/sub/deep.txt"], (await ReadEntriesAsync(bytes)).Select(e => e.Name));
        Assert.Equal(["bin", "bin/run", "data.txt", "sub", "sub/deep.txt", "sub/link"], offered.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Entries_are_sorted_with_parents_first_fixed_owner_time_and_modes()
    {
        var time = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var builder = new LayerBuilder(new LayerOptions { ModificationTime = time, Compress = false })
            .AddDirectory(MakeTree("t", DateTime.UtcNow), "/app")
            .AddContent("/etc/app.conf", "x=1"u8.ToArray())
            .AddSymlink("/usr/bin/app", "/app/bin/run");

        var (layer, bytes) = await WriteAsync(builder);
        var entries = await ReadEntriesAsync(bytes);

        Assert.Equal(layer.DiffId, layer.Descriptor.Digest);
        Assert.Equal(MediaTypes.Layer, layer.Descriptor.MediaType);
        Assert.Equal(
            ["app/", "app/bin/", "app/bin/run", "app/data.txt", "app/sub/", "app/sub/deep.txt", "app/sub/link", "etc/", "etc/app.conf", "usr/", "usr/bin/", "usr/bin/app"],
            entries.Select(e => e.Name));
        Assert.All(entries, e => Assert.Equal((time, 0, 0, "", ""), (e.ModificationTime, e.Uid, e.Gid, ((PosixTarEntry)e.Entry).UserName, ((PosixTarEntry)e.Entry).GroupName)));
        Assert.Equal("755", Octal(entries.Single(e => e.Name == "app/bin/run").Entry.Mode));
        Assert.Equal("644", Octal(entries.Single(e => e.Name == "app/data.txt").Entry.Mode));
        Assert.Equal("755", Octal(entries.Single(e => e.Name == "app/sub/").Entry.Mode));
        Assert.Equal(("../data.txt", TarEntryType.SymbolicLink), (entries.Single(e => e.Name == "app/sub/link").Entry.LinkName, entries.Single(e => e.Name == "app/sub/link").Entry.EntryType));
        Assert.Equal("/app/bin/run", entries.Single(e => e.Name == "usr/bin/app").Entry.LinkName);
        Assert.Equal("deep", entries.Single(e => e.Name == "app/sub/deep.txt").Content);
    }

    [Fact]
    public async Task Long_paths_are_written_and_read_back()
    {
        var name = string.Join('/', Enumerable.Repeat("a-rather-long-directory-name", 6)) + "/file.txt";

        var (_, bytes) = await WriteAsync(new LayerBuilder(new LayerOptions { Compress = false }).AddContent(name, "long"u8.ToArray()));
        var entries = await ReadEntriesAsync(bytes);

        Assert.Equal(name, entries[^1].Name);
        Assert.Equal("long", entries[^1].Content);
        Assert.Equal(DateTimeOffset.UnixEpoch, entries[^1].ModificationTime);
    }

    [Fact]
    public async Task A_whiteout_is_an_empty_wh_file_beside_what_it_deletes()
    {
        var (_, bytes) = await WriteAsync(new LayerBuilder(new LayerOptions { Compress = false }).AddWhiteout("/etc/motd").AddWhiteout("tmp"));
        var entries = await ReadEntriesAsync(bytes);

        Assert.Equal([".wh.tmp", "etc/", "etc/.wh.motd"], entries.Select(e => e.Name));
        Assert.Equal((TarEntryType.RegularFile, 0L), (entries[2].Entry.EntryType, entries[2].Entry.Length));
    }

    [Fact]
    public void A_path_that_climbs_out_of_the_layer_is_refused() =>
        Assert.Throws<ArgumentException>(() => new LayerBuilder().AddContent("../etc/passwd", "x"u8.ToArray()));

    private string MakeTree(string under, DateTime time)
    {
        var root = _directory.Combine(under);
        Directory.CreateDirectory(Path.Combine(root, "bin"));
        Directory.CreateDirectory(Path.Combine(root, "sub"));
        File.WriteAllText(Path.Combine(root, "data.txt"), "data");
        File.WriteAllText(Path.Combine(root, "sub", "deep.txt"), "deep");
        File.WriteAllText(Path.Combine(root, "bin", "run"), "#!/bin/sh\necho run\n");
        File.SetUnixFileMode(Path.Combine(root, "bin", "run"), (UnixFileMode)Convert.ToInt32("750", 8));
        File.SetUnixFileMode(Path.Combine(root, "data.txt"), (UnixFileMode)Convert.ToInt32("600", 8));
        File.CreateSymbolicLink(Path.Combine(root, "sub", "link"), "../data.txt");
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Where(p => new FileInfo(p).LinkTarget is null))
        {
            File.SetLastWriteTimeUtc(path, time);
        }

        return root;
    }

    [Fact]
    public async Task A_tar_compressed_from_streams_that_split_it_differently_gives_one_digest_and_its_diff_id()
    {
        var (_, tar) = await WriteAsync(new LayerBuilder(new LayerOptions { Compress = false }).AddDirectory(MakeTree("big", DateTime.UtcNow), "app")
            .AddContent("app/words.txt", Words(3_000_000, seed: 7)));
        var digests = new HashSet<Digest>();
        foreach (var seed in new[] { 1, 2, 3 })
        {
            using var output = new MemoryStream();
            var layer = await LayerBuilder.CompressAsync(new TricklingStream(tar, seed), output, CompressionLevel.Fastest, Cancel);
            Assert.Equal(Digest.Sha256(tar), layer.DiffId);
            Assert.Equal(Digest.Sha256(output.ToArray()), layer.Descriptor.Digest);
            digests.Add(layer.Descriptor.Digest);
        }

        Assert.Single(digests);
    }

    /// <summary>Compressible text: random words from a small vocabulary.</summary>
    private static byte[] Words(int length, int seed)
    {
        string[] vocabulary = ["pipeline", "task", "step", "result", "workspace", "param", "image", "layer", "digest", "\n"];
        var random = new Random(seed);
        var text = new StringBuilder(length + 16);
        while (text.Length < length)
        {
            text.Append(vocabulary[random.Next(vocabulary.Length)]).Append(' ');
        }

        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>Reads like a network stream: each read returns a random number of bytes.</summary>
    private sealed class TricklingStream(byte[] content, int seed) : MemoryStream(content, writable: false)
    {
        private readonly Random _random = new(seed);

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, _random.Next(1, 20_000)));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, _random.Next(1, 20_000))]);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, _random.Next(1, 20_000))], cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, _random.Next(1, 20_000)), cancellationToken);
    }

    private static async Task<(Layer Layer, byte[] Bytes)> WriteAsync(LayerBuilder builder)
    {
        using var output = new MemoryStream();
        var layer = await builder.WriteAsync(output, Cancel);
        return (layer, output.ToArray());
    }

    private static async Task<List<(string Name, DateTimeOffset ModificationTime, int Uid, int Gid, TarEntry Entry, string? Content)>> ReadEntriesAsync(byte[] tar)
    {
        var entries = new List<(string, DateTimeOffset, int, int, TarEntry, string?)>();
        await using var reader = new TarReader(new MemoryStream(tar));
        while (await reader.GetNextEntryAsync(copyData: true, Cancel) is { } entry)
        {
            string? content = null;
            if (entry.DataStream is { } data)
            {
                using var text = new StreamReader(data, Encoding.UTF8);
                content = await text.ReadToEndAsync(Cancel);
            }

            entries.Add((entry.Name, entry.ModificationTime, entry.Uid, entry.Gid, entry, content));
        }

        return entries;
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8);
}
