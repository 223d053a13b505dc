using Sluice.Cli.Tests.BadInput;

namespace Sluice.Cli.Tests;

/// <summary>
/// The corpus, with its generated files (among them the 100 MiB scalar) written once for the class into
/// a temporary directory. <c>SLUICE_HOME</c> points at a directory that must never appear and
/// <c>DOCKER_HOST</c> at a socket that does not exist, so a run that got past validation could start
/// nothing and would show. Both are the process's environment, so the tests that use this fixture run
/// alone (<see cref="BadInputCollection"/>) and the previous values come back when they are done.
/// </summary>
public sealed class BadInputFixture : IDisposable
{
    private static readonly string[] Overridden = ["SLUICE_HOME", "DOCKER_HOST"];

    private readonly Dictionary<string, CorpusEntry> _entries;
    private readonly Dictionary<string, string?> _previous = Overridden.ToDictionary(n => n, Environment.GetEnvironmentVariable, StringComparer.Ordinal);

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

    public void Dispose()
    {
        foreach (var (name, value) in _previous)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        Directory.Delete(GeneratedDirectory, recursive: true);
    }
}

/// <summary>
/// The bad-input tests change the process's environment (see <see cref="BadInputFixture"/>), so no other test
/// may run beside them: a command another test starts meanwhile would find no Docker.
/// </summary>
[CollectionDefinition(nameof(BadInputCollection), DisableParallelization = true)]
public sealed class BadInputCollection;
