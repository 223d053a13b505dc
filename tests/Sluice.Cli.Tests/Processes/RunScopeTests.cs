namespace Sluice.Cli.Tests.Processes;

/// <summary>
/// Tekton's examples reuse Task names across files. <c>sluice run</c> of several files runs each run
/// with the Task of its own file, whatever the order of the files. Steps run on the host executor.
/// </summary>
public sealed class RunScopeTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sluice-scope-tests-").FullName;

    private static string StandIns => Path.Combine(RepositoryPaths.Root, "eng", "images", "standins.yaml");

    [Fact]
    public async Task Each_run_uses_the_task_of_its_own_file_when_two_files_define_the_same_name()
    {
        var first = Write("first.yaml", File("from-first"));
        var second = Write("second.yaml", File("from-second"));

        var home = Path.Combine(_directory, "home");
        var (exitCode, output) = await SluiceProcess.RunAsync(home, "run", "--executor", "host", "--config", StandIns, second, first);

        Assert.True(exitCode == 0, output);
        foreach (var (run, word, other) in new[] { ("from-first-run", "from-first", "from-second"), ("from-second-run", "from-second", "from-first") })
        {
            var (logsExit, logs) = await SluiceProcess.RunAsync(home, "logs", run);
            Assert.True(logsExit == 0, logs);
            Assert.Contains($"said {word}", logs, StringComparison.Ordinal);
            Assert.DoesNotContain($"said {other}", logs, StringComparison.Ordinal);
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string File(string word) => $"""
        apiVersion: tekton.dev/v1
        kind: Task
        metadata:
          name: echo
        spec:
          steps:
            - name: say
              image: busybox
              script: echo said {word}
        ---
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: {word}-run
        spec:
          taskRef:
            name: echo
        """;

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        System.IO.File.WriteAllText(path, content.Replace("\r\n", "\n", StringComparison.Ordinal), new System.Text.UTF8Encoding(false));
        return path;
    }
}
