using System.Text;
using Sluice.Cli.Tests.Processes;
using Sluice.Store;

namespace Sluice.Cli.Tests.History;

/// <summary>
/// Twenty <c>sluice run</c> processes of a five-task pipeline at once on the host executor, all recording
/// into one SQLite history: every run, every TaskRun and every log is there afterwards, byte for byte.
/// Needs bubblewrap and the stand-in images' files that eng/ installs.
/// </summary>
public sealed class ConcurrentRunsTests : IDisposable
{
    private const int Runs = 20;
    private const int Tasks = 5;
    private const int Lines = 2000;

    private readonly string _directory = Directory.CreateTempSubdirectory("sluice-concurrent-").FullName;

    private string Home => Path.Combine(_directory, "home");

    [Fact]
    public async Task Twenty_sluice_processes_at_once_record_every_run_and_every_log_byte_for_byte()
    {
        var file = Path.Combine(_directory, "five.yaml");
        await File.WriteAllTextAsync(file, Pipeline(), TestContext.Current.CancellationToken);
        var standIns = Path.Combine(RepositoryPaths.Root, "eng", "images", "standins.yaml");

        var processes = Enumerable.Range(0, Runs)
            .Select(i => SluiceProcess.Start(Home, "run", "--executor", "host", "--quiet", "--config", standIns, "-p", $"id=run{i:00}", file))
            .ToList();
        try
        {
            foreach (var process in processes)
            {
                await process.WaitForExitAsync(TimeSpan.FromMinutes(5));
                Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}; output:\n{process.Output}");
            }
        }
        finally
        {
            processes.ForEach(p => p.Dispose());
        }

        await using var store = await RunStore.OpenAsync(StoreLocation.Sqlite(Path.Combine(Home, "sluice.db")), null, TestContext.Current.CancellationToken);
        var runs = await store.ListAsync(new RunQuery { Limit = 100 }, TestContext.Current.CancellationToken);
        Assert.Equal(Runs, runs.Count);
        var ids = new HashSet<string>();
        foreach (var summary in runs)
        {
            Assert.Equal(("True", "Succeeded"), (summary.Succeeded, summary.Reason));
            var run = (await store.GetAsync(summary.Uid, TestContext.Current.CancellationToken))!;
            var id = Model.Loading.ResourceReader.ReadText(run.Resource, "stored", new Model.Diagnostics.DiagnosticBag())[0].Resource is Model.Runs.PipelineRun p
                ? p.Spec.Params.Single(x => x.Name == "id").Value.StringValue
                : throw new InvalidOperationException("not a PipelineRun");
            Assert.True(ids.Add(id), $"two runs recorded with {id}");
            Assert.Equal(Tasks, run.Children.Length);
            Assert.All(run.Children, c => Assert.Equal("True", c.Summary.Succeeded));
            Assert.Equal(Tasks, run.Logs.Length);
            foreach (var log in run.Logs)
            {
                var task = run.Children.Single(c => c.Summary.Name == log.TaskRun).Summary.PipelineTask!;
                var expected = Expected(id, task);
                Assert.Equal(expected.Length, log.Bytes);
                Assert.Equal(expected, await File.ReadAllBytesAsync(log.Path, TestContext.Current.CancellationToken));
            }
        }

        Assert.Equal(Runs, ids.Count);
        var (exitCode, output) = await SluiceProcess.RunAsync(Home, "logs", runs[0].Name, "t3");
        Assert.True(exitCode == 0, output);
        Assert.Equal(Lines + 1, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.StartsWith("[t3 : print] ", StringComparison.Ordinal)));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>What the step of one task prints: a header naming the run, then numbered lines.</summary>
    private static byte[] Expected(string id, string task)
    {
        var text = new StringBuilder($"{task} of {id}\n");
        for (var line = 1; line <= Lines; line++)
        {
            text.Append(line).Append(" the quick brown fox jumps over the lazy dog ").Append(id).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string Pipeline()
    {
        var tasks = new StringBuilder();
        for (var t = 1; t <= Tasks; t++)
        {
            tasks.Append($$"""
                      - name: t{{t}}
                {{(t > 1 ? $"        runAfter: [t{(t == 2 ? 1 : t - 2)}]\n" : string.Empty)}}        params:
                          - name: id
                            value: $(params.id)
                        taskSpec:
                          params:
                            - name: id
                          steps:
                            - name: print
                              image: busybox
                              script: |
                                echo "t{{t}} of $(params.id)"
                                i=1
                                while [ $i -le {{Lines}} ]; do echo "$i the quick brown fox jumps over the lazy dog $(params.id)"; i=$((i+1)); done

                """);
        }

        return $$"""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              generateName: five-
            spec:
              params:
                - name: id
                  value: unset
              pipelineSpec:
                params:
                  - name: id
                tasks:
            {{tasks}}
            """;
    }
}
