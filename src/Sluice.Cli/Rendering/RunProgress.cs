using System.Globalization;
using Sluice.Model.Runs;

namespace Sluice.Cli.Rendering;

/// <summary>What the renderer knows of a run: its tasks and steps with states and times.</summary>
internal sealed class RunProgress
{
    private readonly List<TaskProgress> _tasks = [];
    private readonly Dictionary<string, TaskProgress> _byKey = new(StringComparer.Ordinal);

    public string Kind { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    public DateTimeOffset Started { get; set; }

    public DateTimeOffset? Finished { get; set; }

    public Condition? Condition { get; set; }

    /// <summary>The tasks in the order they were first seen.</summary>
    public IReadOnlyList<TaskProgress> Tasks => _tasks;

    /// <summary>The task with this key, added when it is new: a lookup, not a scan, as a run may have thousands.</summary>
    public TaskProgress Task(string key)
    {
        if (!_byKey.TryGetValue(key, out var task))
        {
            task = new TaskProgress { Key = key };
            _byKey.Add(key, task);
            _tasks.Add(task);
        }

        return task;
    }
}

/// <summary>A pipeline task (or the single task of a TaskRun).</summary>
internal sealed class TaskProgress
{
    public string Key { get; init; } = string.Empty;

    public string? TaskRun { get; set; }

    public DateTimeOffset? Started { get; set; }

    public DateTimeOffset? Finished { get; set; }

    public Condition? Condition { get; set; }

    public string? SkipReason { get; set; }

    /// <summary>The TaskRun a cache hit restored this one from, when it was one.</summary>
    public string? CachedFrom { get; set; }

    public int Attempt { get; set; }

    public List<StepProgress> Steps { get; } = [];

    public bool IsDone => Finished is not null || SkipReason is not null;
}

/// <summary>A step.</summary>
internal sealed class StepProgress
{
    public string Name { get; init; } = string.Empty;

    public DateTimeOffset? Started { get; set; }

    public DateTimeOffset? Finished { get; set; }

    public int? ExitCode { get; set; }

    public string? TerminationReason { get; set; }
}

/// <summary>Durations as people read them.</summary>
internal static class Durations
{
    public static string Format(TimeSpan value) => value.TotalSeconds switch
    {
        < 10 => value.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s",
        < 60 => value.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + "s",
        < 3600 => $"{(int)value.TotalMinutes}m{value.Seconds:00}s",
        _ => $"{(int)value.TotalHours}h{value.Minutes:00}m",
    };
}
