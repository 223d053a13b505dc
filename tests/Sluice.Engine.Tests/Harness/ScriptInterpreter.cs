using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Sluice.Engine.Execution;
using Sluice.Testing;

namespace Sluice.Engine.Tests.Harness;

/// <summary>
/// Runs the steps of the YAML under test in a tiny language instead of a shell, one command a line:
/// <list type="bullet">
/// <item><c>echo TEXT</c>: prints TEXT and a newline.</item>
/// <item><c>write PATH TEXT</c>: writes TEXT (the rest of the line, no newline) to a container path such as <c>/tekton/results/x</c>.</item>
/// <item><c>cat PATH</c>: prints a file that the engine or an earlier step of the same TaskRun wrote.</item>
/// <item><c>sleep SECONDS</c>: runs that much longer (real time; timeouts and cancellation kill it).</item>
/// <item><c>signal NAME</c>: tells the test that this point was reached (see <see cref="WaitForSignalAsync"/>).</item>
/// <item><c>exit N</c>: stops with exit code N.</item>
/// <item><c>fail-first-attempt</c>: exits 1 the first time this step of this TaskRun runs, so a retry succeeds.</item>
/// </list>
/// Blank lines, comments, a shebang and <c>set -e</c> (which the engine prepends) are ignored. A step without
/// a script runs its argv as one line, so <c>command: [echo]</c> with <c>args: [a, b]</c> prints <c>a b</c>.
/// An unknown command exits 127 with a message, so a typo fails the test instead of passing silently.
/// </summary>
public sealed class ScriptInterpreter
{
    private readonly ConcurrentDictionary<(string TaskRun, string Container), int> _attempts = new();
    private readonly ConcurrentDictionary<(string TaskRun, string Volume, string Path), string> _files = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new(StringComparer.Ordinal);

    /// <summary>Every step interpreted, in start order.</summary>
    public ConcurrentQueue<InterpretedStep> Steps { get; } = new();

    /// <summary>What the step does: the behaviour handed to the <see cref="InMemoryExecutor"/>.</summary>
    public StepBehaviour Interpret(StepCall call)
    {
        var taskRun = call.Sandbox.TaskRunName;
        var attempt = _attempts.AddOrUpdate((taskRun, call.Container.Name), 1, (_, n) => n + 1);
        var text = call.Script ?? string.Join(' ', call.Container.Argv);
        var output = new StringBuilder();
        var writes = new Dictionary<string, string>(StringComparer.Ordinal);
        var delay = TimeSpan.Zero;
        var exitCode = 0;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || line == "set -e")
            {
                continue;
            }

            var (command, rest) = Split(line);
            var stop = false;
            switch (command)
            {
                case "echo":
                    output.Append(rest).Append('\n');
                    break;
                case "write":
                    var (path, content) = Split(rest);
                    writes[path] = content;
                    Remember(call, path, content);
                    break;
                case "cat":
                    output.Append(Read(call, rest));
                    break;
                case "sleep":
                    delay += TimeSpan.FromSeconds(double.Parse(rest, CultureInfo.InvariantCulture));
                    break;
                case "signal":
                    Signal(rest).TrySetResult();
                    break;
                case "exit":
                    exitCode = int.Parse(rest, CultureInfo.InvariantCulture);
                    stop = true;
                    break;
                case "fail-first-attempt":
                    if (attempt == 1)
                    {
                        exitCode = 1;
                        stop = true;
                    }

                    break;
                default:
                    output.Append(CultureInfo.InvariantCulture, $"unknown test command: {line}\n");
                    exitCode = 127;
                    stop = true;
                    break;
            }

            if (stop)
            {
                break;
            }
        }

        Steps.Enqueue(new InterpretedStep(taskRun, call.Container.Name, attempt, call.Container, call.Script, output.ToString(), exitCode));
        return new StepBehaviour(exitCode, output.ToString(), delay) { Writes = writes };
    }

    /// <summary>Records a file the engine wrote into a sandbox volume, so that <c>cat</c> can print it.</summary>
    public void RecordEngineWrite(string taskRun, string volume, string path, ReadOnlyMemory<byte> content) =>
        _files[(taskRun, volume, path)] = Encoding.UTF8.GetString(content.Span);

    /// <summary>Completes when a step runs <c>signal NAME</c>.</summary>
    public Task WaitForSignalAsync(string name) => Signal(name).Task;

    private TaskCompletionSource Signal(string name) =>
        _signals.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private void Remember(StepCall call, string containerPath, string content)
    {
        if (Locate(call.Container, containerPath) is { } location)
        {
            _files[(call.Sandbox.TaskRunName, location.Volume, location.Path)] = content;
        }
    }

    private string Read(StepCall call, string containerPath) =>
        Locate(call.Container, containerPath) is { } location && _files.TryGetValue((call.Sandbox.TaskRunName, location.Volume, location.Path), out var content)
            ? content
            : $"cat: {containerPath}: No such file or directory\n";

    /// <summary>The volume and path inside it that a container path falls in, by the container's deepest mount.</summary>
    private static (string Volume, string Path)? Locate(ContainerSpec container, string containerPath)
    {
        foreach (var mount in container.Mounts.OrderByDescending(m => m.ContainerPath.Length))
        {
            var root = mount.ContainerPath.TrimEnd('/');
            if (containerPath.StartsWith(root + "/", StringComparison.Ordinal))
            {
                var relative = containerPath[(root.Length + 1)..];
                return (mount.Volume, mount.SubPath is null ? relative : $"{mount.SubPath}/{relative}");
            }
        }

        return null;
    }

    private static (string Head, string Tail) Split(string text)
    {
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (text, string.Empty) : (text[..space], text[(space + 1)..]);
    }
}

/// <summary>A step as the interpreter ran it.</summary>
/// <param name="TaskRun">The TaskRun's name.</param>
/// <param name="Container">The step's container name, such as <c>step-build</c>.</param>
/// <param name="Attempt">1 for the first time this step of this TaskRun ran, 2 for its first retry...</param>
/// <param name="Spec">The container as the engine decided it (argv, env, mounts).</param>
/// <param name="Script">The script's text after substitution, or null.</param>
/// <param name="Output">What it printed.</param>
/// <param name="ExitCode">Its exit code (before any kill).</param>
public sealed record InterpretedStep(string TaskRun, string Container, int Attempt, ContainerSpec Spec, string? Script, string Output, int ExitCode);
