using System.Collections.Concurrent;
using System.Text;
using Sluice.Engine.Caching;
using Sluice.Engine.Runs;

namespace Sluice.Cli.Rendering;

/// <summary>
/// Shows a run as it happens: every task and step with its state and duration, and the steps' logs
/// prefixed by task and step. On a terminal the state is a section of the live block under the
/// scrolling logs; on plain output every change is one line. When several runs run at once, each line
/// starts with the name of its run.
/// </summary>
public sealed class LiveRenderer : IRunObserver
{
    private readonly LiveBlock _block;
    private readonly Terminal _terminal;
    private readonly bool _showLogs;
    private readonly string _prefix;
    private readonly RunProgress _progress = new();
    private readonly ConcurrentDictionary<(string TaskRun, string Container), List<byte>> _partial = new();
    private readonly Dictionary<string, string> _labels = new(StringComparer.Ordinal);
    private bool _finished;

    /// <summary>Makes a renderer that shows its run in <paramref name="block"/>.</summary>
    /// <param name="block">The live block of the command's terminal.</param>
    /// <param name="showLogs">Whether to stream step logs.</param>
    /// <param name="runLabel">What starts each line when several runs share the terminal (the run's name), or null for none.</param>
    public LiveRenderer(LiveBlock block, bool showLogs, string? runLabel = null)
    {
        ArgumentNullException.ThrowIfNull(block);
        _block = block;
        _terminal = block.Terminal;
        _showLogs = showLogs;
        _prefix = runLabel is null ? string.Empty : _terminal.Paint(runLabel, Tint.Bold) + " | ";
        block.Add(this);
    }

    /// <summary>Whether the run has started and not completed, so that it has a section in the block.</summary>
    internal bool IsLive => !_finished && _progress.Name.Length > 0;

    /// <inheritdoc />
    public ValueTask OnEventAsync(RunEvent runEvent, CancellationToken cancellationToken)
    {
        switch (runEvent)
        {
            case StepOutput output when _showLogs:
                OnOutput(output);
                break;
            case PipelineRunUpdated updated:
                lock (_terminal.Sync)
                {
                    OnPipelineRun(updated);
                }

                break;
            case TaskRunUpdated updated:
                lock (_terminal.Sync)
                {
                    OnTaskRun(updated);
                }

                break;
            case TaskSkipped skipped:
                lock (_terminal.Sync)
                {
                    var task = _progress.Task(skipped.PipelineTask);
                    task.SkipReason = skipped.Reason;
                    Announce($"{_terminal.Paint("↷", Tint.Magenta)} {skipped.PipelineTask} skipped: {skipped.Reason}");
                }

                break;
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Takes the run's section out of the live block and flushes partial log lines.</summary>
    public void Complete()
    {
        lock (_terminal.Sync)
        {
            foreach (var ((taskRun, container), bytes) in _partial)
            {
                if (bytes.Count > 0)
                {
                    _block.Clear();
                    WriteLine(taskRun, container, [.. bytes]);
                    bytes.Clear();
                }
            }

            _block.Remove(this);
            _finished = true;
            _terminal.Flush();
        }
    }

    /// <summary>Prints the summary of the finished run in one piece, each line prefixed as the run's other lines are.</summary>
    /// <param name="run">The run with its final status.</param>
    /// <param name="logDirectory">Where its logs are.</param>
    internal void PrintSummary(Model.IResource run, string logDirectory)
    {
        var text = Summary.Format(_terminal, run, _progress, logDirectory);
        if (_prefix.Length > 0)
        {
            text = string.Concat(text.Split('\n')[..^1].Select(line => _prefix + line + "\n"));
        }

        lock (_terminal.Sync)
        {
            _block.Write(text);
            _terminal.Flush();
        }
    }

    private void OnPipelineRun(PipelineRunUpdated updated)
    {
        var run = updated.PipelineRun;
        if (_progress.Name.Length == 0)
        {
            _progress.Kind = "PipelineRun";
            _progress.Name = run.Metadata.Name ?? string.Empty;
            _progress.Started = updated.Time;
            Announce($"{_terminal.Paint("PipelineRun", Tint.Bold)} {_progress.Name} started");
        }

        _progress.Condition = run.Status?.Conditions.FirstOrDefault();
        if (run.Status?.CompletionTime is not null)
        {
            _progress.Finished = updated.Time;
        }
    }

    private void OnTaskRun(TaskRunUpdated updated)
    {
        var run = updated.TaskRun;
        var name = run.Metadata.Name ?? string.Empty;
        if (_progress.Name.Length == 0)
        {
            _progress.Kind = "TaskRun";
            _progress.Name = name;
            _progress.Started = updated.Time;
            Announce($"{_terminal.Paint("TaskRun", Tint.Bold)} {name} started");
        }

        var label = Label(updated.PipelineTask, name);
        var task = _progress.Task(label);
        task.TaskRun = name;
        if (task.Started is null)
        {
            task.Started = updated.Time;
            if (updated.PipelineTask is not null)
            {
                Announce($"{_terminal.Paint("→", Tint.Blue)} {label} started ({name})");
            }
        }

        var status = run.Status;
        if (status is null)
        {
            return;
        }

        if (run.Metadata.Annotations.GetValueOrDefault(CacheAnnotations.Hit) == "true" && task.CachedFrom is null)
        {
            task.CachedFrom = run.Metadata.Annotations.GetValueOrDefault(CacheAnnotations.Source) ?? string.Empty;
            if (updated.PipelineTask is null)
            {
                Announce($"{_terminal.Paint("✓", Tint.Green)} {name} cached (from {task.CachedFrom})");
            }
        }

        if (updated.PipelineTask is null && _progress.Kind == "TaskRun")
        {
            _progress.Condition = status.Conditions.FirstOrDefault();
            if (status.CompletionTime is not null)
            {
                _progress.Finished ??= updated.Time;
            }
        }

        if (status.RetriesStatus.Length > task.Attempt)
        {
            task.Attempt = status.RetriesStatus.Length;
            task.Steps.Clear();
            Announce($"{_terminal.Paint("↻", Tint.Yellow)} {label} retrying (attempt {task.Attempt + 1}): {status.RetriesStatus[^1].Conditions.FirstOrDefault()?.Message}");
        }

        foreach (var state in status.Steps)
        {
            var step = task.Steps.FirstOrDefault(s => s.Name == state.Name);
            if (step is null)
            {
                step = new StepProgress { Name = state.Name };
                task.Steps.Add(step);
            }

            if (state.Running is not null && step.Started is null)
            {
                step.Started = updated.Time;
            }

            if (state.Terminated is { } terminated && step.Finished is null)
            {
                FlushPartial(name, state.Container ?? $"step-{state.Name}");
                step.Started ??= updated.Time;
                step.Finished = updated.Time;
                step.ExitCode = terminated.ExitCode;
                step.TerminationReason = state.TerminationReason;
                if (task.CachedFrom is null && (!_terminal.IsInteractive || terminated.ExitCode != 0))
                {
                    var mark = state.TerminationReason == "Skipped" ? _terminal.Paint("↷", Tint.Magenta)
                        : terminated.ExitCode == 0 ? _terminal.Paint("✓", Tint.Green)
                        : state.TerminationReason == "Continued" ? _terminal.Paint("!", Tint.Yellow)
                        : _terminal.Paint("✗", Tint.Red);
                    var detail = state.TerminationReason switch
                    {
                        "Skipped" => "skipped",
                        "Continued" => $"exit {terminated.ExitCode}, continued (onError: continue)",
                        "TimeoutExceeded" => "timed out",
                        _ when terminated.ExitCode != 0 => $"exit {terminated.ExitCode}",
                        _ => Durations.Format(step.Finished.Value - step.Started.Value),
                    };
                    Announce($"  {mark} {Prefix(label, state.Name)} {detail}");
                }
            }
        }

        if (status.CompletionTime is not null && task.Finished is null && updated.PipelineTask is not null)
        {
            task.Finished = updated.Time;
            task.Condition = status.Conditions.FirstOrDefault();
            var condition = task.Condition;
            var took = Durations.Format(task.Finished.Value - (task.Started ?? updated.Time));
            var line = condition?.Status == "True"
                ? $"{_terminal.Paint("✓", Tint.Green)} {label} {condition.Reason} {(task.CachedFrom is { } source ? $"cached (from {source})" : "in " + took)}"
                : $"{_terminal.Paint("✗", Tint.Red)} {label} {condition?.Reason} in {took}: {condition?.Message}";
            Announce(line);
        }
    }

    private string Label(string? pipelineTask, string taskRunName)
    {
        if (pipelineTask is null)
        {
            return string.Empty;
        }

        if (!_labels.TryGetValue(taskRunName, out var label))
        {
            var dash = taskRunName.LastIndexOf('-');
            label = dash > 0 && int.TryParse(taskRunName.AsSpan(dash + 1), System.Globalization.CultureInfo.InvariantCulture, out var index) && taskRunName[..dash].EndsWith("-" + pipelineTask, StringComparison.Ordinal)
                ? $"{pipelineTask}[{index}]"
                : pipelineTask;
            _labels[taskRunName] = label;
        }

        return label;
    }

    private void OnOutput(StepOutput output)
    {
        var key = (output.TaskRunName, output.Container);
        var buffer = _partial.GetOrAdd(key, _ => []);
        lock (_terminal.Sync)
        {
            var data = output.Chunk.Data.Span;
            while (true)
            {
                var newline = data.IndexOf((byte)'\n');
                if (newline < 0)
                {
                    foreach (var b in data)
                    {
                        buffer.Add(b);
                    }

                    if (buffer.Count > 64 * 1024)
                    {
                        _block.Clear();
                        WriteLine(output.TaskRunName, output.Container, [.. buffer]);
                        buffer.Clear();
                    }

                    break;
                }

                _block.Clear();
                if (buffer.Count > 0)
                {
                    buffer.AddRange(data[..newline]);
                    WriteLine(output.TaskRunName, output.Container, [.. buffer]);
                    buffer.Clear();
                }
                else
                {
                    WriteLine(output.TaskRunName, output.Container, data[..newline]);
                }

                data = data[(newline + 1)..];
            }
        }
    }

    private void WriteLine(string taskRun, string container, ReadOnlySpan<byte> line)
    {
        var label = _labels.GetValueOrDefault(taskRun, _progress.Kind == "TaskRun" ? string.Empty : taskRun);
        var step = container.StartsWith("step-", StringComparison.Ordinal) ? container[5..] : container;
        _terminal.Write(_prefix + _terminal.Paint($"[{Prefix(label, step)}]", Tint.Cyan) + " ");
        if (line.Length > 0 && line[^1] == '\r')
        {
            line = line[..^1];
        }

        _terminal.Write(line);
        _terminal.Write("\n"u8);
    }

    private void FlushPartial(string taskRun, string container)
    {
        if (_partial.TryGetValue((taskRun, container), out var bytes) && bytes.Count > 0)
        {
            _block.Clear();
            WriteLine(taskRun, container, [.. bytes]);
            bytes.Clear();
        }
    }

    private static string Prefix(string label, string step) => label.Length == 0 ? step : $"{label}/{step}";

    private void Announce(string line) => _block.Write(_prefix + line + "\n");

    /// <summary>Appends the run's section of the live block: its header and its latest tasks; returns the lines appended.</summary>
    internal int AppendSection(StringBuilder block, DateTimeOffset now, string frame, int width, int tasks)
    {
        var total = Durations.Format((_progress.Finished ?? now) - _progress.Started);
        block.Append(Fit($"{frame} {_progress.Kind} {_progress.Name}  {total}", width)).Append('\n');
        var lines = 1;
        foreach (var task in _progress.Tasks.TakeLast(tasks))
        {
            string state;
            if (task.SkipReason is not null)
            {
                state = _terminal.Paint("↷ " + Pad(task.Key) + " skipped", Tint.Magenta);
            }
            else if (task.Finished is { } finished)
            {
                var ok = task.Condition?.Status == "True";
                state = _terminal.Paint((ok ? "✓ " : "✗ ") + Pad(task.Key) + " " + task.Condition?.Reason, ok ? Tint.Green : Tint.Red) + " "
                    + (task.CachedFrom is null ? Durations.Format(finished - (task.Started ?? finished)) : _terminal.Paint("cached", Tint.Dim));
            }
            else
            {
                var step = task.Steps.FirstOrDefault(s => s.Started is not null && s.Finished is null);
                var stepText = step is null ? "preparing" : $"{step.Name} {Durations.Format(now - step.Started!.Value)}";
                state = $"{_terminal.Paint(frame, Tint.Blue)} {Pad(task.Key)} {_terminal.Paint(stepText, Tint.Dim)} {Durations.Format(now - (task.Started ?? now))}";
            }

            block.Append("  ").Append(state).Append('\n');
            lines++;
        }

        return lines;
    }

    private static string Pad(string text) => text.Length >= 16 ? text : text.PadRight(16);

    private static string Fit(string text, int width) => text.Length <= width ? text : text[..Math.Max(1, width - 1)] + "…";
}
