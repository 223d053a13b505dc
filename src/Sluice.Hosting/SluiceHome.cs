namespace Sluice.Hosting;

/// <summary>Where Sluice keeps its state: <c>$SLUICE_HOME</c>, by default <c>~/.sluice</c>.</summary>
public sealed class SluiceHome
{
    /// <summary>Uses the given directory.</summary>
    public SluiceHome(string root)
    {
        Root = Path.GetFullPath(root);
    }

    /// <summary>The root directory.</summary>
    public string Root { get; }

    /// <summary>Step logs, one file per step.</summary>
    public string Logs => Path.Combine(Root, "logs");

    /// <summary>The run history's SQLite file, unless another store is named.</summary>
    public string Database => Path.Combine(Root, "sluice.db");

    /// <summary>Owner records of running sluice processes.</summary>
    public string Owners => Path.Combine(Root, "owners");

    /// <summary>Content-addressed blobs (an OCI image layout): cache outputs among them.</summary>
    public string Blobs => Path.Combine(Root, "blobs");

    /// <summary>Lock files of cache leases, one per key being computed.</summary>
    public string CacheLeases => Path.Combine(Root, "cache", "leases");

    /// <summary>Stat caches of tree digests, one per tree and filter.</summary>
    public string StatCaches => Path.Combine(Root, "cache", "stat");

    /// <summary>The status of each cache blob when it was last read whole (<c>cache/verified</c>).</summary>
    public string VerifiedBlobs => Path.Combine(Root, "cache", "verified");

    /// <summary>What compressing image layers gave, by the tar's diff ID: <c>sluice image build</c> sends a layer the registry has only once.</summary>
    public string LayerDigests => Path.Combine(Root, "cache", "layers");

    /// <summary>The configuration file in this home.</summary>
    public string ConfigurationFile => Path.Combine(Root, "sluice.yaml");

    /// <summary>The home named by <c>SLUICE_HOME</c>, or <c>~/.sluice</c>.</summary>
    public static SluiceHome FromEnvironment()
    {
        var configured = Environment.GetEnvironmentVariable("SLUICE_HOME");
        if (!string.IsNullOrEmpty(configured))
        {
            return new SluiceHome(configured);
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return new SluiceHome(Path.Combine(string.IsNullOrEmpty(home) ? Path.GetTempPath() : home, ".sluice"));
    }

    /// <summary>Creates the directories.</summary>
    public void EnsureCreated()
    {
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Logs);
        Directory.CreateDirectory(Owners);
    }
}
