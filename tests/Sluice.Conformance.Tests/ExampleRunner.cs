using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using Sluice.Engine;
using Sluice.Engine.Caching;
using Sluice.Engine.Execution;
using Sluice.Engine.Runs;
using Sluice.Model;
using Sluice.Model.Diagnostics;
using Sluice.Model.Loading;
using Sluice.Model.Runs;

namespace Sluice.Conformance.Tests;

/// <summary>What running one example gave.</summary>
public sealed record ExampleOutcome(string Example, ImmutableArray<string> Refusals, ImmutableArray<RunOutcome> Runs)
{
    /// <summary>How many TaskRuns of all its runs the cache served.</summary>
    public int CacheHits => Runs.Sum(r => r.CacheHits);
}

/// <summary>One run of an example, its child TaskRuns and its logs.</summary>
public sealed record RunOutcome(IResource Run, ImmutableArray<TaskRunOutcome> TaskRuns, string Logs)
{
    /// <summary>How many of the TaskRuns the cache served (<c>sluice.dev/cache-hit: "true"</c>): they ran no step and printed nothing.</summary>
    public int CacheHits => TaskRuns.Count(t => t.TaskRun.Metadata.Annotations.GetValueOrDefault(CacheAnnotations.Hit) == "true");
}

/// <summary>A child TaskRun (or the run itself for a TaskRun).</summary>
public sealed record TaskRunOutcome(string? PipelineTask, TaskRun TaskRun);

/// <summary>
/// Runs a Tekton example file unchanged through the engine, as <c>sluice run</c> would; with
/// <paramref name="caching"/>, as <c>sluice run --cache</c> would (<see cref="CacheMode.All"/>).
/// </summary>
public sealed class ExampleRunner(IExecutor executor, EngineOptions options, TaskRunCaching? caching = null)
{
    public Task<ExampleOutcome> RunAsync(string example, CancellationToken cancellationToken) =>
        RunFilesAsync(example, [Path.Combine(ConformancePaths.TektonDirectory, example)], cancellationToken);

    /// <summary>Loads the files together, as <c>sluice run</c> of several files does, and runs every run in them.</summary>
    public async Task<ExampleOutcome> RunFilesAsync(string example, IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var diagnostics = new DiagnosticBag();
        var resources = ResourceSet.Load(paths, diagnostics);
        if (diagnostics.HasErrors)
        {
            return new ExampleOutcome(example, [.. diagnostics.ToImmutable().Select(d => d.ToString())], []);
        }

        var resolver = new ResourceSetResolver(resources);
        var runs = ImmutableArray.CreateBuilder<RunOutcome>();
        foreach (var loaded in resources.Runs)
        {
            var collector = new Collector();
            var engine = caching is null
                ? new RunEngine(executor, resolver, collector, options)
                : new RunEngine(executor, resolver, collector, options with { Cache = CacheMode.All }, caching: caching);
            var prepared = engine.Prepare(loaded.Resource);
            var finished = await engine.RunAsync(prepared, cancellationToken).ConfigureAwait(false);
            runs.Add(new RunOutcome(finished, collector.TaskRuns(finished), collector.Logs()));
        }

        return new ExampleOutcome(example, [], runs.ToImmutable());
    }

    private sealed class Collector : IRunObserver
    {
        private readonly ConcurrentDictionary<string, (string? PipelineTask, TaskRun Run)> _taskRuns = new();
        private readonly ConcurrentQueue<byte[]> _logs = new();

        public ValueTask OnEventAsync(RunEvent runEvent, CancellationToken cancellationToken)
        {
            switch (runEvent)
            {
                case TaskRunUpdated updated:
                    _taskRuns[updated.TaskRun.Metadata.Name ?? string.Empty] = (updated.PipelineTask, updated.TaskRun);
                    break;
                case StepOutput output:
                    _logs.Enqueue(output.Chunk.Data.ToArray());
                    break;
            }

            return ValueTask.CompletedTask;
        }

        public ImmutableArray<TaskRunOutcome> TaskRuns(IResource run) => run is TaskRun taskRun
            ? [new TaskRunOutcome(null, taskRun)]
            : [.. _taskRuns.Values.Select(x => new TaskRunOutcome(x.PipelineTask, x.Run))];

        public string Logs()
        {
            var builder = new StringBuilder();
            foreach (var chunk in _logs)
            {
                builder.Append(Encoding.UTF8.GetString(chunk));
            }

            return builder.ToString();
        }
    }
}
