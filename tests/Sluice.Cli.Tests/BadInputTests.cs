using Sluice.Cli.Tests.BadInput;

namespace Sluice.Cli.Tests;

/// <summary>Every file of the broken-input corpus is refused by <c>sluice validate</c> and <c>sluice run</c> as promised.</summary>
[Collection(nameof(BadInputCollection))]
public sealed class BadInputTests(BadInputFixture fixture) : IClassFixture<BadInputFixture>
{
    public static TheoryData<string> Files => [.. Corpus.ReadManifest(RepositoryPaths.BadInput).Select(e => e.Name)];

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Validate_refuses_it_at_its_position_with_a_fix(string file)
    {
        var entry = fixture.Entry(file);
        var path = fixture.PathOf(entry);

        var outcome = await SluiceCommandLine.InvokeAsync("validate", "--no-color", path);

        Refusal.Assert(outcome, entry, path, "the files are not valid.");
        Assert.Equal(string.Empty, outcome.Stdout);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Run_refuses_it_before_anything_starts(string file)
    {
        var entry = fixture.Entry(file);
        var path = fixture.PathOf(entry);

        var outcome = await SluiceCommandLine.InvokeAsync("run", "--no-color", path);

        Refusal.Assert(outcome, entry, path, "nothing was run.");
        Assert.False(Directory.Exists(fixture.SluiceHome), $"sluice run created its state directory {fixture.SluiceHome}: it went past validation");
    }

    [Fact]
    public void The_manifest_lists_every_corpus_file_once()
    {
        var entries = Corpus.ReadManifest(RepositoryPaths.BadInput);
        var onDisk = Directory.EnumerateFiles(RepositoryPaths.BadInput, "*.yaml").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);
        var listed = entries.Where(e => !e.IsGenerated).Select(e => e.Name).Order(StringComparer.Ordinal);

        Assert.Equal(onDisk, listed);
        Assert.Equal(Corpus.GeneratedNames.Order(StringComparer.Ordinal), entries.Where(e => e.IsGenerated).Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Equal(entries.Count, entries.Select(e => e.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.True(entries.Count >= 45, $"the corpus has {entries.Count} files; it should cover at least 45 distinct mistakes");
    }

    [Fact]
    public void The_generated_files_are_what_their_names_say()
    {
        Assert.Equal(Corpus.HugeScalarBytes, new FileInfo(Path.Combine(fixture.GeneratedDirectory, "huge-scalar.yaml")).Length, tolerance: 1024);
        Assert.Contains((byte)0, File.ReadAllBytes(Path.Combine(fixture.GeneratedDirectory, "binary-garbage.yaml")));
        Assert.False(System.Text.Unicode.Utf8.IsValid(File.ReadAllBytes(Path.Combine(fixture.GeneratedDirectory, "invalid-utf8.yaml"))));
    }
}
