using Sluice.Cli.Tests.BadInput;

namespace Sluice.Cli.Tests;

/// <summary>Where the corpus and the Tekton conformance examples are.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = Corpus.RepositoryRoot(typeof(RepositoryPaths).Assembly);

    public static string BadInput => Corpus.DirectoryIn(Root);

    /// <summary>
    /// <c>$SLUICE_CONFORMANCE_DIR/tekton/v1</c> (a relative directory is taken from the repository root;
    /// the default is <c>../shared/conformance</c>), failing with a clear message when it is missing.
    /// </summary>
    public static string TektonV1
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("SLUICE_CONFORMANCE_DIR");
            var directory = Path.GetFullPath(Path.Combine(Root, string.IsNullOrEmpty(configured) ? Path.Combine("..", "shared", "conformance") : configured));
            var v1 = Path.Combine(directory, "tekton", "v1");
            return Directory.Exists(v1)
                ? v1
                : throw new InvalidOperationException($"the Tekton conformance examples are missing: {v1} does not exist; set SLUICE_CONFORMANCE_DIR to the directory that holds tekton/v1");
        }
    }
}
