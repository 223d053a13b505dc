using Sluice.Engine;
using Sluice.Engine.Execution;
using Sluice.Engine.Images;
using Sluice.Execution.Docker;
using Sluice.Hosting;
using Sluice.Model.Binding;
using Sluice.Model.Diagnostics;

namespace Sluice.Conformance.Tests.Catalog;

/// <summary>
/// The Docker backend with the stand-in images (eng/images/build.sh, mapped by eng/images/standins.yaml)
/// and a state directory of its own, in which a test prepares and reads the named claims it binds.
/// </summary>
public sealed class CatalogFixture : IAsyncLifetime
{
    private DockerExecutor? _executor;

    public string Home { get; } = Path.Combine(Path.GetTempPath(), $"sluice-catalog-{Environment.ProcessId}");

    public ExampleRunner Runner { get; private set; } = null!;

    /// <summary>The directory of a named claim (persistentVolumeClaim) in the default namespace, created empty.</summary>
    public string Claim(string name)
    {
        var directory = Path.Combine(Home, "claims", "default", name);
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>A scratch directory for what a test runs beside the task (servers, the TaskRun file).</summary>
    public string Scratch(string name)
    {
        var directory = Path.Combine(Home, "scratch", name);
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>Runs a catalog task file as it is, with a TaskRun (and any Secret) written by the test.</summary>
    public async Task<RunOutcome> RunAsync(string catalogTask, string taskRunYaml, CancellationToken cancellationToken)
    {
        var task = Path.Combine(ConformancePaths.TektonDirectory, "catalog", catalogTask);
        var run = Path.Combine(Scratch("runs"), Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(task)))! + "-run.yaml");
        await File.WriteAllTextAsync(run, taskRunYaml, cancellationToken).ConfigureAwait(false);
        var outcome = await Runner.RunFilesAsync(catalogTask, [task, run], cancellationToken).ConfigureAwait(false);
        Assert.True(outcome.Refusals.IsEmpty, $"{catalogTask} was refused:\n" + string.Join("\n", outcome.Refusals));
        return Assert.Single(outcome.Runs);
    }

    public ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Home);
        var diagnostics = new DiagnosticBag();
        var standIns = RecordReader.ReadFile<SluiceConfiguration>(ConformancePaths.StandIns, diagnostics)
            ?? throw new InvalidOperationException($"cannot read {ConformancePaths.StandIns}: {string.Join("; ", diagnostics.ToImmutable())}");
        _executor = new DockerExecutor(new DockerExecutorOptions
        {
            StateRoot = Home,
            OwnerId = $"{Environment.MachineName}/{Environment.ProcessId}/{ProcessOwner.StartTicks(Environment.ProcessId)}",
            ImageMirrors = new ImageMirrorMap(standIns.ImageMirrors),
        });

        // The TaskRuns ask for the host's network in their podTemplate; anything else gets none.
        Runner = new ExampleRunner(_executor, new EngineOptions { Network = NetworkMode.None, DefaultTimeout = TimeSpan.FromMinutes(5) });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_executor is not null)
        {
            await _executor.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
