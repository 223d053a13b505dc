using System.Reflection;

namespace Sluice.Model.Tests.Support;

/// <summary>The Tekton examples of the shared conformance data, used as seeds for property tests.</summary>
internal static class ConformanceExamples
{
    /// <summary><c>$SLUICE_CONFORMANCE_DIR/tekton/v1</c>, by default <c>../shared/conformance/tekton/v1</c> from the repository root.</summary>
    public static string Directory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("SLUICE_CONFORMANCE_DIR");
            var root = string.IsNullOrEmpty(configured)
                ? Path.GetFullPath(Path.Combine(RepositoryRoot(), "..", "shared", "conformance"))
                : Path.GetFullPath(configured);
            var v1 = Path.Combine(root, "tekton", "v1");
            if (!System.IO.Directory.Exists(v1))
            {
                throw new InvalidOperationException(
                    $"the conformance examples are missing: {v1} does not exist; set SLUICE_CONFORMANCE_DIR to the directory that holds tekton/v1");
            }

            return v1;
        }
    }

    private static List<(string Name, string Text)>? _all;

    /// <summary>Every example file, sorted, as text; throws with the path when the data is missing.</summary>
    public static IReadOnlyList<(string Name, string Text)> All => _all ??= Load();

    private static List<(string Name, string Text)> Load()
    {
        var directory = Directory;
        var files = System.IO.Directory.EnumerateFiles(directory, "*.yaml", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(f => (Path.GetRelativePath(directory, f), File.ReadAllText(f)))
            .ToList();
        if (files.Count == 0)
        {
            throw new InvalidOperationException($"the conformance examples are missing: {directory} holds no .yaml files");
        }

        return files;
    }

    /// <summary>The repository root, recorded at build time or found above the test binary.</summary>
    internal static string RepositoryRoot()
    {
        var recorded = typeof(ConformanceExamples).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (recorded is not null && File.Exists(Path.Combine(recorded, "Sluice.slnx")))
        {
            return recorded;
        }

        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Sluice.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName
            ?? throw new InvalidOperationException($"cannot find the repository root (Sluice.slnx) above {AppContext.BaseDirectory}; set SLUICE_CONFORMANCE_DIR");
    }
}
