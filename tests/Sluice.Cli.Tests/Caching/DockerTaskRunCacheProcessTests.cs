using Docker.DotNet;
using Docker.DotNet.Models;
using Sluice.Cli.Tests.Processes;
using Sluice.Execution.Docker;

namespace Sluice.Cli.Tests.Caching;

/// <summary>
/// <c>sluice run --cache</c> on the Docker executor, counted from Docker's event stream rather than from
/// Sluice: the first run creates the containers of both tasks, an identical second run creates none,
/// and a changed input that only the downstream task declares creates exactly the downstream task's
/// containers again and none of the upstream's. Events are kept to this test's PipelineRuns by the
/// unique prefix of their names, which Sluice puts in every container's name, and to the time of each
/// run. Needs the Docker engine and the stand-in images that eng/ installs.
/// </summary>
public sealed class DockerTaskRunCacheProcessTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sluice-docker-task-cache-").FullName;
    private readonly string _prefix = $"dcache{Guid.NewGuid().ToString("N")[..8]}-";
    private readonly DockerClient _docker = new DockerClientConfiguration(new Uri(DockerExecutorOptions.EndpointFromEnvironment())).CreateClient();

    private static string StandIns => Path.Combine(RepositoryPaths.Root, "eng", "images", "standins.yaml");

    private string Home => Path.Combine(_directory, "home");

    /// <summary>The named claim <c>source</c>, where both local backends keep it.</summary>
    private string Source => Path.Combine(Home, "claims", "default", "source");

    [Fact]
    public async Task A_second_run_creates_no_container_and_a_changed_downstream_input_creates_only_the_downstream_tasks()
    {
        Directory.CreateDirectory(Path.Combine(Source, "src"));
        Directory.CreateDirectory(Path.Combine(Source, "meta"));
        File.WriteAllText(Path.Combine(Source, "src", "main.txt"), "v1");
        File.WriteAllText(Path.Combine(Source, "meta", "label.txt"), "blue");
        var pipeline = Path.Combine(_directory, "pipeline.yaml");
        File.WriteAllText(pipeline, Pipeline.Replace("PREFIX", _prefix, StringComparison.Ordinal));

        var (first, firstOutput) = await RunAsync(pipeline);
        Assert.Contains("result content = blue built from v1", firstOutput, StringComparison.Ordinal);
        Assert.Equal(1, first.Steps("upstream"));
        Assert.Equal(1, first.Steps("downstream"));

        var (second, secondOutput) = await RunAsync(pipeline);
        Assert.Contains("result content = blue built from v1", secondOutput, StringComparison.Ordinal);
        Assert.Equal(0, second.Steps("upstream") + second.Steps("downstream"));
        Assert.Equal(0, second.All("upstream") + second.All("downstream"));

        File.WriteAllText(Path.Combine(Source, "meta", "label.txt"), "green");
        var (third, thirdOutput) = await RunAsync(pipeline);
        Assert.Contains("result content = green built from v1", thirdOutput, StringComparison.Ordinal);
        Assert.Equal(0, third.All("upstream"));
        Assert.Equal(first.All("downstream"), third.All("downstream"));
        Assert.Equal(1, third.Steps("downstream"));
    }

    public void Dispose()
    {
        _docker.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Runs the pipeline once and returns the containers Docker reports created while it ran.</summary>
    private async Task<(Created Containers, string Output)> RunAsync(string pipeline)
    {
        var started = TimeProvider.System.GetUtcNow();
        var (exitCode, output) = await SluiceProcess.RunAsync(Home, "run", "--cache", "--config", StandIns, pipeline);
        Assert.True(exitCode == 0, output);
        return (await CreatedSinceAsync(started), output);
    }

    /// <summary>The create events of this test's containers from <paramref name="since"/> until now, at most 10 s of reading.</summary>
    private async Task<Created> CreatedSinceAsync(DateTimeOffset since)
    {
        var parameters = new ContainerEventsParameters
        {
            Since = Stamp(since.AddSeconds(-1)),
            Until = Stamp(TimeProvider.System.GetUtcNow().AddSeconds(1)),
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["type"] = new Dictionary<string, bool> { ["container"] = true },
                ["event"] = new Dictionary<string, bool> { ["create"] = true },
                ["label"] = new Dictionary<string, bool> { [Labels.RunUid] = true },
            },
        };
        var created = new Created($"sluice-{_prefix}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await _docker.System.MonitorEventsAsync(parameters, created, timeout.Token);
        return created;
    }

    private static string Stamp(DateTimeOffset time) =>
        $"{time.ToUnixTimeSeconds()}.{time.Ticks % TimeSpan.TicksPerSecond * 100:D9}";

    /// <summary>
    /// The containers created for this test's PipelineRuns, by the name Sluice gives them
    /// (<c>sluice-TASKRUN-CONTAINER-RANDOM</c>, the TaskRun named <c>PIPELINERUN-TASK</c>) and their role label.
    /// </summary>
    private sealed class Created(string namePrefix) : IProgress<Message>
    {
        private readonly Lock _gate = new();
        private readonly List<(string Name, string Role)> _containers = [];

        public void Report(Message value)
        {
            var name = value.Actor.Attributes.TryGetValue("name", out var n) ? n : string.Empty;
            if (!name.StartsWith(namePrefix, StringComparison.Ordinal))
            {
                return;
            }

            lock (_gate)
            {
                _containers.Add((name, value.Actor.Attributes.TryGetValue(Labels.Role, out var role) ? role : string.Empty));
            }
        }

        /// <summary>Every container of a pipeline task: steps and the sandbox's holder.</summary>
        public int All(string task) => Of(task).Count();

        /// <summary>The step containers of a pipeline task.</summary>
        public int Steps(string task) => Of(task).Count(c => c.Role == Labels.StepRole);

        private IEnumerable<(string Name, string Role)> Of(string task)
        {
            lock (_gate)
            {
                return [.. _containers.Where(c => c.Name.Contains($"-{task}-", StringComparison.Ordinal))];
            }
        }
    }

    private const string Pipeline = """
        apiVersion: tekton.dev/v1
        kind: Task
        metadata:
          name: build
          annotations:
            sluice.dev/cache-inputs: source:src
            sluice.dev/cache-outputs: out:bin
        spec:
          workspaces:
            - name: source
            - name: out
          results:
            - name: version
          steps:
            - name: build
              image: busybox
              script: |
                mkdir -p $(workspaces.out.path)/bin
                printf 'built from %s' "$(cat $(workspaces.source.path)/src/main.txt)" > $(workspaces.out.path)/bin/app.txt
                printf '%s' "$(cat $(workspaces.source.path)/src/main.txt)" > $(results.version.path)
        ---
        apiVersion: tekton.dev/v1
        kind: Task
        metadata:
          name: package
          annotations:
            sluice.dev/cache-inputs: source:meta, out:bin
            sluice.dev/cache-outputs: out:pkg
        spec:
          params:
            - name: version
          workspaces:
            - name: source
            - name: out
          results:
            - name: content
          steps:
            - name: package
              image: busybox
              script: |
                mkdir -p $(workspaces.out.path)/pkg
                printf '%s %s' "$(cat $(workspaces.source.path)/meta/label.txt)" "$(cat $(workspaces.out.path)/bin/app.txt)" > $(workspaces.out.path)/pkg/package.txt
                cp $(workspaces.out.path)/pkg/package.txt $(results.content.path)
        ---
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata:
          generateName: PREFIX
        spec:
          workspaces:
            - name: source
              persistentVolumeClaim:
                claimName: source
            - name: out
              volumeClaimTemplate:
                spec:
                  accessModes: [ReadWriteOnce]
                  resources:
                    requests:
                      storage: 1Mi
          pipelineSpec:
            workspaces:
              - name: source
              - name: out
            results:
              - name: content
                value: $(tasks.downstream.results.content)
            tasks:
              - name: upstream
                taskRef:
                  name: build
                workspaces:
                  - name: source
                  - name: out
              - name: downstream
                taskRef:
                  name: package
                params:
                  - name: version
                    value: $(tasks.upstream.results.version)
                workspaces:
                  - name: source
                  - name: out
        """;
}
