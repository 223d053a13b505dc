using System.Collections.Immutable;
using Sluice.Engine;
using Sluice.Engine.Execution;
using Sluice.Engine.Images;
using Sluice.Engine.Runs;
using Sluice.Execution.Docker;
using Sluice.Execution.Host;
using Sluice.Model.Binding;
using Sluice.Model.Diagnostics;
using Sluice.Store;

namespace Sluice.Hosting;

/// <summary>What a sluice command asks of the local machine.</summary>
public sealed record SessionOptions
{
    /// <summary>Extra configuration files, merged after <c>$SLUICE_HOME/sluice.yaml</c> and <c>./sluice.yaml</c>.</summary>
    public ImmutableArray<string> ConfigFiles { get; init; } = [];

    /// <summary>Image mirror rules from the command line (<c>--image-map from=to</c>); they win.</summary>
    public ImmutableArray<KeyValuePair<string, string>> ImageMap { get; init; } = [];

    /// <summary>The backend, overriding configuration.</summary>
    public string? Executor { get; init; }

    /// <summary>The network mode, overriding configuration.</summary>
    public string? Network { get; init; }

    /// <summary>The concurrency, overriding configuration.</summary>
    public int? Concurrency { get; init; }

    /// <summary>The state directory, overriding <c>SLUICE_HOME</c>.</summary>
    public string? Home { get; init; }

    /// <summary>The run history, overriding <c>SLUICE_STORE</c>: a <c>postgres://</c> URL or a SQLite file (default <c>$SLUICE_HOME/sluice.db</c>).</summary>
    public string? Store { get; init; }

    /// <summary>Whether the session is still usable when the executor cannot be reached to reap (commands that only read history).</summary>
    public bool ReapBestEffort { get; init; }

    /// <summary>Whether SDK clients leave the cache alone: every exec and copy runs, and nothing is stored.</summary>
    public bool NoCache { get; init; }
}

/// <summary>
/// One sluice command's view of the machine: configuration, state directory, owner record, and the
/// executor. Opening a session reaps what dead sluice processes left behind.
/// </summary>
public sealed class LocalSession : IAsyncDisposable
{
    private readonly Lazy<IExecutor> _executor;

    private LocalSession(SluiceHome home, ProcessOwner owner, SluiceConfiguration configuration, Func<IExecutor> executor, EngineOptions engineOptions, RunStore store)
    {
        Store = store;
        Home = home;
        Owner = owner;
        Configuration = configuration;
        _executor = new Lazy<IExecutor>(executor);
        EngineOptions = engineOptions;
        TaskRunSlots = new SemaphoreSlim(Math.Max(1, engineOptions.Concurrency));
    }

    /// <summary>The state directory.</summary>
    public SluiceHome Home { get; }

    /// <summary>This process as an owner.</summary>
    public ProcessOwner Owner { get; }

    /// <summary>The merged configuration.</summary>
    public SluiceConfiguration Configuration { get; }

    /// <summary>The backend runs use.</summary>
    public IExecutor Executor => _executor.Value;

    /// <summary>The engine's options.</summary>
    public EngineOptions EngineOptions { get; }

    /// <summary>The run history.</summary>
    public RunStore Store { get; }

    /// <summary>
    /// Bounds how many TaskRuns run at once across all the runs of this session (<see cref="EngineOptions.Concurrency"/>),
    /// so that runs started together share the limit rather than each having its own.
    /// </summary>
    public SemaphoreSlim TaskRunSlots { get; }

    /// <summary>Runs the opening found abandoned by a dead sluice process and marked failed.</summary>
    public IReadOnlyList<UnfinishedRun> Abandoned { get; private set; } = [];

    /// <summary>What the opening reap removed.</summary>
    public IReadOnlyList<(string RunUid, ReapReport Report)> Reaped { get; private set; } = [];

    /// <summary>Loads configuration and opens the session; configuration problems go to <paramref name="diagnostics"/> and return null.</summary>
    public static async Task<LocalSession?> OpenAsync(SessionOptions options, DiagnosticBag diagnostics, CancellationToken cancellationToken)
    {
        var home = options.Home is { } explicitHome ? new SluiceHome(explicitHome) : SluiceHome.FromEnvironment();
        home.EnsureCreated();
        var configuration = LoadConfiguration(home, options, diagnostics);
        if (configuration is null)
        {
            return null;
        }

        var network = (options.Network ?? configuration.Network ?? "bridge") switch
        {
            "bridge" => NetworkMode.Bridge,
            "host" => NetworkMode.Host,
            "none" => NetworkMode.None,
            var other => Invalid(other),
        };
        var executorName = options.Executor ?? configuration.Executor ?? "docker";
        if (executorName is not ("docker" or "host"))
        {
            diagnostics.Add(SourceLocation.None, "executor", $"unknown executor \"{executorName}\"", "use docker or host");
            return null;
        }

        if (diagnostics.HasErrors)
        {
            return null;
        }

        var store = await OpenStoreAsync(home, options, diagnostics, cancellationToken).ConfigureAwait(false);
        if (store is null)
        {
            return null;
        }

        var owner = ProcessOwner.Register(home);
        var mirrors = new ImageMirrorMap(configuration.ImageMirrors);
        // Made when first needed: commands that only read history never load a Docker client.
        IExecutor executor() => executorName == "host"
            ? new HostExecutor(new HostExecutorOptions { StateRoot = home.Root, OwnerId = owner.Id })
            : new DockerExecutor(new DockerExecutorOptions { StateRoot = home.Root, OwnerId = owner.Id, ImageMirrors = mirrors });
        var engineOptions = new EngineOptions
        {
            Network = network,
            Concurrency = options.Concurrency ?? configuration.Concurrency ?? Math.Max(8, Environment.ProcessorCount),
            DefaultTimeout = configuration.DefaultTimeout?.Value ?? TimeSpan.FromHours(1),
        };
        var session = new LocalSession(home, owner, configuration, executor, engineOptions, store);
        session.Abandoned = await Abandonment.MarkAsync(store, home, owner.Id, cancellationToken).ConfigureAwait(false);
        try
        {
            // Commands that only read history reap only when a sluice process died (its owner record is
            // still there), which keeps them fast; runs reap every time.
            if (!options.ReapBestEffort || session.Abandoned.Count > 0 || ProcessOwner.AnyDead(home))
            {
                session.Reaped = await Reaper.ReapDeadAsync(session.ReapableExecutors(), home, owner.Id, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (options.ReapBestEffort && e is not OperationCanceledException)
        {
            // Only reading history: a Docker engine that cannot be reached leaves reaping to the next run.
        }

        return session;

        NetworkMode Invalid(string value)
        {
            diagnostics.Add(SourceLocation.None, "network", $"unknown network mode \"{value}\"", "use bridge, host or none");
            return NetworkMode.Bridge;
        }
    }

    /// <summary>An engine for runs of this session.</summary>
    public RunEngine CreateEngine(ITaskResolver resolver, IRunObserver observer) =>
        new(Executor, resolver, observer, EngineOptions, slots: TaskRunSlots);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_executor.IsValueCreated)
        {
            await Executor.DisposeAsync().ConfigureAwait(false);
        }

        await Store.DisposeAsync().ConfigureAwait(false);
        await Owner.DisposeAsync().ConfigureAwait(false);
        TaskRunSlots.Dispose();
    }

    /// <summary>
    /// Opens the run history named by the options, <c>SLUICE_STORE</c>, or <c>$SLUICE_HOME/sluice.db</c>;
    /// a store that cannot be named or opened goes to <paramref name="diagnostics"/> and returns null.
    /// </summary>
    public static async Task<RunStore?> OpenStoreAsync(SluiceHome home, SessionOptions options, DiagnosticBag diagnostics, CancellationToken cancellationToken)
    {
        var named = options.Store ?? Environment.GetEnvironmentVariable("SLUICE_STORE");
        string? error = null;
        var location = string.IsNullOrEmpty(named) ? StoreLocation.Sqlite(home.Database) : StoreLocation.Parse(named, out error);
        if (location is null)
        {
            diagnostics.Add(new SourceLocation($"--store {named}", 0, 0), string.Empty, $"cannot use this store: {error}", "give a postgres://user:password@host:port/database URL or a SQLite file path");
            return null;
        }

        try
        {
            return await RunStore.OpenAsync(location, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or UnauthorizedAccessException or TimeoutException or StoreVersionException or System.Net.Sockets.SocketException)
        {
            diagnostics.Add(new SourceLocation($"--store {location}", 0, 0), string.Empty, $"cannot open the run history: {e.Message}", location.IsPostgres ? "check that the server runs and the URL's user, password and database are right" : "check that the file's directory is writable");
            return null;
        }
    }

    private IEnumerable<IExecutor> ReapableExecutors()
    {
        // The host backend first: it finds a dead run's processes through records in the run's directory,
        // which the Docker backend's reaping removes.
        if (Executor is not HostExecutor)
        {
            yield return new HostExecutor(new HostExecutorOptions { StateRoot = Home.Root, OwnerId = Owner.Id });
        }

        yield return Executor;
    }

    private static SluiceConfiguration? LoadConfiguration(SluiceHome home, SessionOptions options, DiagnosticBag diagnostics)
    {
        var configuration = new SluiceConfiguration();
        var files = new List<string>();
        if (File.Exists(home.ConfigurationFile))
        {
            files.Add(home.ConfigurationFile);
        }

        var local = Path.GetFullPath("sluice.yaml");
        if (File.Exists(local) && local != home.ConfigurationFile)
        {
            files.Add(local);
        }

        files.AddRange(options.ConfigFiles);
        foreach (var file in files)
        {
            if (!File.Exists(file))
            {
                diagnostics.Add(new SourceLocation(file, 0, 0), string.Empty, "no such configuration file", "check the --config path");
                continue;
            }

            if (RecordReader.ReadFile<SluiceConfiguration>(file, diagnostics) is { } loaded)
            {
                configuration = configuration.Merge(loaded);
            }
        }

        if (!options.ImageMap.IsEmpty)
        {
            configuration = configuration with { ImageMirrors = configuration.ImageMirrors.SetItems(options.ImageMap) };
        }

        return diagnostics.HasErrors ? null : configuration;
    }
}
