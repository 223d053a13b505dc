using Sluice.Cli.Tests.BadInput;

namespace Sluice.Cli.Tests;

/// <summary>
/// The corpus, with its generated files (among them the 100 MiB scalar) written once for the class into
/// a temporary directory. <c>SLUICE_HOME</c> points at a directory that must never appear and
/// <c>DOCKER_HOST</c> at a socket that does not exist, so a run that got past validation could start
/// nothing and would show.
/// </summary>
public sealed class BadInputFixture : IDisposable
{
    private readonly Dictionary<string, CorpusEntry> _entries;

    public BadInputFixture()
    {
        GeneratedDirectory = Path.Combine(Path.GetTempPath(), "sluice-cli-tests-" + Guid.NewGuid().ToString("N"));
        Corpus.Generate(GeneratedDirectory);
        SluiceHome = Path.Combine(GeneratedDirectory, "sluice-home");
        Environment.SetEnvironmentVariable("SLUICE_HOME", SluiceHome);
        Environment.SetEnvironmentVariable("DOCKER_HOST", "unix://" + Path.Combine(GeneratedDirectory, "no-docker.sock"));
        _entries = Corpus.ReadManifest(RepositoryPaths.BadInput).ToDictionary(e => e.Name, StringComparer.Ordinal);
    }

    public string GeneratedDirectory { get; }

    public string SluiceHome { get; }

    internal CorpusEntry Entry(string name) => _entries[name];

    internal string PathOf(CorpusEntry entry) => Corpus.PathOf(entry, RepositoryPaths.BadInput, GeneratedDirectory);

    public void Dispose() => Directory.Delete(GeneratedDirectory, recursive: true);
}
