namespace Sluice.Cli.Tests.History;

/// <summary>
/// Golden files: output is compared with <c>History/Snapshots/NAME.txt</c> in the repository. With
/// <c>SLUICE_UPDATE_SNAPSHOTS=1</c> the files are written instead, to be reviewed in the diff.
/// </summary>
internal static class Snapshot
{
    public static void Match(string name, string actual)
    {
        var path = Path.Combine(RepositoryPaths.Root, "tests", "Sluice.Cli.Tests", "History", "Snapshots", name + ".txt");
        actual = actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (Environment.GetEnvironmentVariable("SLUICE_UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"no snapshot {path}; run the tests with SLUICE_UPDATE_SNAPSHOTS=1 to write it, then review it");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
