using Sluice.Cli.Tests.Processes;

namespace Sluice.Cli.Tests.Caching;

/// <summary>
/// <c>sluice run --cache</c> on the host executor: a second run starts no step process and still ends
/// with the same results and files, and a changed input re-runs only the task that reads it. Every
/// step appends its name to a file outside the workspaces (a hostPath volume), which counts the steps
/// that ran; the output workspace is a volumeClaimTemplate, fresh each run, so what the downstream task
/// reads there on a hit was restored from the cache.
/// </summary>
public sealed class TaskRunCacheProcessTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sluice-task-cache-").FullName;

    private string Home => Path.Combine(_directory, "home");

    private string Counter => Path.Combine(_directory, "counter", "ran");

    /// <summary>The named claim <c>source</c>, where both local backends keep it.</summary>
    private string Source => Path.Combine(Home, "claims", "default", "source");

    [Fact]
    public async Task A_second_run_starts_no_step_and_a_changed_input_reruns_only_the_task_that_reads_it()
    {
        Directory.CreateDirectory(Path.Combine(Source, "src"));
        Directory.CreateDirectory(Path.Combine(Source, "meta"));
        File.WriteAllText(Path.Combine(Source, "src", "main.txt"), "v1");
        File.WriteAllText(Path.Combine(Source, "meta", "label.txt"), "blue");
        Directory.CreateDirectory(Path.GetDirectoryName(Counter)!);
        var pipeline = Path.Combine(_directory, "pipeline.yaml");
        File.WriteAllText(pipeline, Pipeline.Replace("COUNTER", Path.GetDirectoryName(Counter), StringComparison.Ordinal));

        var first = await RunAsync(pipeline);
        Assert.Equal(["build", "package"], Ran());
        Assert.Contains("result content = blue built from v1", first, StringComparison.Ordinal);

        var second = await RunAsync(pipeline);
        Assert.Equal(["build", "package"], Ran());
        Assert.Contains("result content = blue built from v1", second, StringComparison.Ordinal);
        Assert.Contains("build Succeeded cached (from ", second, StringComparison.Ordinal);
        Assert.Contains("package Succeeded cached (from ", second, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(Source, "meta", "label.txt"), "green");
        var third = await RunAsync(pipeline);
        Assert.Equal(["build", "package", "package"], Ran());
        Assert.Contains("result content = green built from v1", third, StringComparison.Ordinal);
        Assert.Contains("build Succeeded cached (from ", third, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<string> RunAsync(string pipeline)
    {
        var (exitCode, output) = await SluiceProcess.RunAsync(Home, "run", "--executor", "host", "--cache", pipeline);
        Assert.True(exitCode == 0, output);
        return output;
    }

    private string[] Ran() => File.Exists(Counter) ? File.ReadAllLines(Counter) : [];

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
          volumes:
            - name: counter
              hostPath:
                path: COUNTER
          steps:
            - name: build
              image: busybox
              volumeMounts:
                - name: counter
                  mountPath: /counter
              script: |
                echo build >> /counter/ran
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
          volumes:
            - name: counter
              hostPath:
                path: COUNTER
          steps:
            - name: package
              image: busybox
              volumeMounts:
                - name: counter
                  mountPath: /counter
              script: |
                echo package >> /counter/ran
                mkdir -p $(workspaces.out.path)/pkg
                printf '%s %s' "$(cat $(workspaces.source.path)/meta/label.txt)" "$(cat $(workspaces.out.path)/bin/app.txt)" > $(workspaces.out.path)/pkg/package.txt
                cp $(workspaces.out.path)/pkg/package.txt $(results.content.path)
        ---
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata:
          generateName: cached-
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
                value: $(tasks.package.results.content)
            tasks:
              - name: build
                taskRef:
                  name: build
                workspaces:
                  - name: source
                  - name: out
              - name: package
                taskRef:
                  name: package
                params:
                  - name: version
                    value: $(tasks.build.results.version)
                workspaces:
                  - name: source
                  - name: out
        """;
}
