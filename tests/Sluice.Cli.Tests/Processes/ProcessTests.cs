using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Sluice.Cli.Tests.Processes;

/// <summary>
/// The real <c>sluice run</c> on Docker and on the host: steps do not see each other's files or processes,
/// and neither Ctrl-C nor a killed <c>sluice</c> leaves a container, process or directory behind once the
/// next command has run. Needs the Docker engine, the stand-in images and bubblewrap that eng/ installs.
/// </summary>
public sealed partial class ProcessTests : IDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(30);

    private readonly string _directory = Directory.CreateTempSubdirectory("sluice-process-tests-").FullName;
    private readonly int _marker = Random.Shared.Next(100_000, 999_999);

    private string Home => Path.Combine(_directory, "home");

    private static string StandIns => Path.Combine(RepositoryPaths.Root, "eng", "images", "standins.yaml");

    [Theory]
    [InlineData("docker")]
    [InlineData("host")]
    public async Task A_step_sees_neither_the_files_nor_the_processes_an_earlier_step_left(string executor)
    {
        var file = Write("isolation.yaml", $$"""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              generateName: isolation-
            spec:
              taskSpec:
                steps:
                  - name: leave-traces
                    image: busybox
                    script: |
                      touch /m
                      sleep {{_marker}} &
                      echo "left /m and a sleep behind"
                  - name: look
                    image: busybox
                    script: |
                      if [ -e /m ]; then echo "/m is visible"; exit 1; fi
                      for f in /proc/[0-9]*/cmdline; do tr '\0' ' ' < "$f"; echo; done > /tmp/processes
                      if grep -q "[s]leep {{_marker}}" /tmp/processes; then echo "the sleep is visible"; exit 1; fi
                      echo "saw neither"
            """);

        var (exitCode, output) = await SluiceProcess.RunAsync(Home, "run", "--executor", executor, "--config", StandIns, file);

        Assert.True(exitCode == 0, $"exit code {exitCode}; output:\n{output}");
        Assert.Contains("left /m and a sleep behind", output, StringComparison.Ordinal);
        Assert.Contains("saw neither", output, StringComparison.Ordinal);
        Assert.Empty(Leftovers.ProcessesWith($"sleep {_marker}"));
    }

    [Theory]
    [InlineData("docker")]
    [InlineData("host")]
    public async Task Ctrl_C_cancels_a_step_that_ignores_signals_and_leaves_nothing(string executor)
    {
        using var sluice = SluiceProcess.Start(Home, "run", "--executor", executor, "--config", StandIns, StubbornTaskRun());
        await sluice.WaitForOutputAsync($"ignoring TERM and INT {_marker}", StartLimit);
        var taskRun = TaskRunName(sluice.Output);

        var clock = Stopwatch.StartNew();
        await sluice.SignalAsync("INT");
        await sluice.WaitForExitAsync(StopLimit);
        var stopped = clock.Elapsed;

        TestContext.Current.SendDiagnosticMessage($"{executor}: Ctrl-C to exit with everything removed took {stopped.TotalSeconds:0.00} s");
        Assert.True(sluice.ExitCode == 1, $"exit code {sluice.ExitCode}; output:\n{sluice.Output}");
        Assert.Contains("TaskRunCancelled", sluice.Output, StringComparison.Ordinal);
        Assert.Empty(await Leftovers.ContainersOfAsync(taskRun));
        Assert.Empty(Leftovers.ProcessesWith($"sleep {_marker}"));
        Assert.Empty(Leftovers.RunDirectories(Home));
    }

    [Theory]
    [InlineData("docker")]
    [InlineData("host")]
    public async Task A_killed_sluice_leaves_nothing_once_the_next_command_has_run(string executor)
    {
        string taskRun;
        using (var sluice = SluiceProcess.Start(Home, "run", "--executor", executor, "--config", StandIns, StubbornTaskRun()))
        {
            await sluice.WaitForOutputAsync($"ignoring TERM and INT {_marker}", StartLimit);
            taskRun = TaskRunName(sluice.Output);
            await sluice.SignalAsync("KILL");
            await sluice.WaitForExitAsync(StopLimit);
        }

        // The step outlived the process that owned it: there is something to clean up.
        Assert.NotEmpty(executor == "docker" ? await Leftovers.ContainersOfAsync(taskRun) : Leftovers.ProcessesWith($"sleep {_marker}"));
        Assert.NotEmpty(Leftovers.RunDirectories(Home));

        var quick = Write("quick.yaml", """
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              generateName: quick-
            spec:
              taskSpec:
                steps:
                  - image: busybox
                    script: echo done
            """);
        var (exitCode, output) = await SluiceProcess.RunAsync(Home, "run", "--executor", executor, "--config", StandIns, quick);

        Assert.True(exitCode == 0, $"exit code {exitCode}; output:\n{output}");
        Assert.Empty(await Leftovers.ContainersOfAsync(taskRun));
        Assert.Empty(Leftovers.ProcessesWith($"sleep {_marker}"));
        Assert.Empty(Leftovers.RunDirectories(Home));
    }

    public void Dispose()
    {
        foreach (var pid in Leftovers.ProcessesWith($"sleep {_marker}"))
        {
            try
            {
                Process.GetProcessById(pid).Kill();
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }

        Directory.Delete(_directory, recursive: true);
    }

    [GeneratedRegex(@"TaskRun (\S+) started")]
    private static partial Regex Started();

    private static string TaskRunName(string output) =>
        Started().Match(output) is { Success: true } match ? match.Groups[1].Value : throw new InvalidOperationException($"no \"TaskRun NAME started\" line in:\n{output}");

    private string StubbornTaskRun() => Write("stubborn.yaml", $$"""
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          generateName: stubborn-
        spec:
          taskSpec:
            steps:
              - name: ignore-signals
                image: busybox
                script: |
                  trap '' TERM INT
                  echo "ignoring TERM and INT {{_marker}}"
                  sleep {{_marker}}
        """);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content.Replace("\r\n", "\n", StringComparison.Ordinal), new System.Text.UTF8Encoding(false));
        return path;
    }
}
