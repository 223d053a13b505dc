using System.Runtime.CompilerServices;

namespace Sluice.Conformance.Tests;

/// <summary>Where the conformance data, the expectations and the stand-in image map are.</summary>
internal static class ConformancePaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The shared conformance directory: <c>SLUICE_CONFORMANCE_DIR</c>, or <c>../shared/conformance</c> from the repository root.</summary>
    public static string ConformanceDirectory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("SLUICE_CONFORMANCE_DIR");
            var directory = string.IsNullOrEmpty(configured) ? Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "conformance")) : Path.GetFullPath(configured);
            if (!Directory.Exists(Path.Combine(directory, "tekton", "v1")))
            {
                throw new InvalidOperationException($"the conformance data is missing: {directory}/tekton/v1 does not exist; set SLUICE_CONFORMANCE_DIR to the directory that holds tekton/");
            }

            return directory;
        }
    }

    public static string TektonDirectory => Path.Combine(ConformanceDirectory, "tekton");

    public static string Expectations => Path.Combine(RepositoryRoot, "tests", "Sluice.Conformance.Tests", "Expectations");

    public static string StandIns => Path.Combine(RepositoryRoot, "eng", "images", "standins.yaml");

    private static string FindRoot([CallerFilePath] string source = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(source) ?? string.Empty, Environment.CurrentDirectory })
        {
            var directory = new DirectoryInfo(start);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Sluice.slnx")))
            {
                directory = directory.Parent;
            }

            if (directory is not null)
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root (Sluice.slnx) above " + AppContext.BaseDirectory);
    }
}
