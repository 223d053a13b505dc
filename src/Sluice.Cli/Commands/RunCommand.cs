using System.Collections.Immutable;
using System.CommandLine;
using Sluice.Catalog;
using Sluice.Catalog.Custom;
using Sluice.Cli.Rendering;
using Sluice.Engine;
using Sluice.Engine.Caching;
using Sluice.Engine.Runs;
using Sluice.Hosting;
using Sluice.Hosting.Caching;
using Sluice.Model;
using Sluice.Model.Diagnostics;
using Sluice.Model.Kubernetes;
using Sluice.Model.Loading;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;

namespace Sluice.Cli.Commands;

/// <summary><c>sluice run</c>: runs the TaskRuns and PipelineRuns of files, or a Pipeline or Task by name.</summary>
internal static partial class RunCommand
{
    private static readonly Argument<string[]> FilesArgument = CommonOptions.Files("YAML files or directories with the runs and the Tasks, Pipelines and objects they use");
    private static readonly Option<string?> Pipeline = new("--pipeline") { Description = "Start a run of the Pipeline with this name instead of the runs in the files" };
    private static readonly Option<string?> TaskName = new("--task") { Description = "Start a run of the Task with this name instead of the runs in the files" };
    internal static readonly Option<string[]> Params = new("--param", "-p") { Description = "A param value: NAME=VALUE; arrays as a,b,c; objects as k:v,k2:v2 (repeatable)" };
    internal static readonly Option<string[]> Workspaces = new("--workspace", "-w") { Description = "A workspace: NAME=emptyDir | volumeClaimTemplate | pvc:CLAIM | configmap:NAME | secret:NAME, with optional @SUBPATH (repeatable)" };
    private static readonly Option<string?> Timeout = new("--timeout") { Description = "The run's timeout, such as 10m or 1h30m (0 for none)" };
    internal static readonly Option<string?> Executor = new("--executor") { Description = "Where steps run: docker (default) or host" };
    internal static readonly Option<string?> Network = new("--network") { Description = "Sandbox network: bridge (default), host or none" };
    internal static readonly Option<int?> Concurrency = new("--concurrency") { Description = "How many TaskRuns run at once (default: at least 8)" };
    private static readonly Option<string?> Namespace = new("--namespace", "-n") { Description = "The namespace runs belong to (default: default)" };
    private static readonly Option<bool> Cache = new("--cache") { Description = "Cache every TaskRun, as if the run had the annotation sluice.dev/cache: \"true\" (a Task that says \"false\" stays uncached)" };
    private static readonly Option<bool> NoCache = new("--no-cache") { Description = "Cache no TaskRun, whatever the annotations say: every step runs and nothing is stored" };
    private static readonly Option<string?> ChangedSince = new("--changed-since") { Description = "Run only the runs whose sluice.dev/paths annotation names a file the Git repository of the current directory changed since this revision (runs without it always run)" };
    private static readonly Option<bool> Sequential = new("--sequential") { Description = "Start each run of the files only when the one before it has ended, in the files' order (by default all start at once, as on Tekton)" };

    public static Command Create()
    {
        var command = new Command("run", "Run the TaskRuns and PipelineRuns in FILES, or a Pipeline or Task by name, showing each task and step live.\n\nExamples:\n  sluice run examples/hello-world/\n  sluice run --pipeline build -p revision=main -w source=emptyDir pipeline.yaml\n  sluice run --task echo -p message=hi --executor host task.yaml\n  sluice run --changed-since origin/main .tekton/")
        {
            FilesArgument, Pipeline, TaskName, Params, Workspaces, Timeout, Executor, Network, Concurrency, Namespace, Cache, NoCache, ChangedSince, Sequential,
            CommonOptions.Config, CommonOptions.ImageMap, CommonOptions.Quiet, CommonOptions.NoColor,
        };
        command.SetAction(ExecuteAsync);
        return command;
    }

    private static async Task<int> ExecuteAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, Interrupts.Token);
        var color = CommonOptions.ColorOnStderr(parse);
        var diagnostics = new DiagnosticBag();
        var resources = ResourceSet.Load(parse.GetValue(FilesArgument) ?? [], diagnostics);
        var runs = SelectRuns(parse, resources, diagnostics);
        if (diagnostics.HasErrors)
        {
            DiagnosticPrinter.Print(diagnostics.ToImmutable(), Console.Error, color);
            return ExitCodes.InvalidInput;
        }

        if (parse.GetValue(ChangedSince) is { } revision)
        {
            var (changed, error) = await ChangedPaths.ReadAsync(revision, Environment.CurrentDirectory, interrupted.Token).ConfigureAwait(false);
            if (changed is null)
            {
                DiagnosticPrinter.Print([new Diagnostic(SourceLocation.None, "--changed-since", error!, null)], Console.Error, color);
                return ExitCodes.InvalidInput;
            }

            runs = await SelectChangedAsync(runs, changed).ConfigureAwait(false);
            if (runs.IsEmpty)
            {
                return ExitCodes.Success;
            }
        }

        return await StartAsync(parse, runs, resources, null, interrupted.Token).ConfigureAwait(false);
    }

    /// <summary>The runs that name a changed path or name none; says on stderr why each other one does not start.</summary>
    private static async Task<ImmutableArray<SelectedRun>> SelectChangedAsync(ImmutableArray<SelectedRun> runs, ChangedPaths changed)
    {
        var selected = ImmutableArray.CreateBuilder<SelectedRun>();
        foreach (var run in runs)
        {
            var name = run.Resource.Metadata.Name ?? run.Resource.Metadata.GenerateName ?? run.Resource.Kind;
            if (ChangedPaths.PathsOf(run.Resource) is not { } paths)
            {
                selected.Add(run);
            }
            else if (changed.FirstChangedUnder(paths) is { } file)
            {
                await Console.Error.WriteLineAsync($"{run.Resource.Kind} {name}: {file} changed since {changed.Revision}").ConfigureAwait(false);
                selected.Add(run);
            }
            else
            {
                await Console.Error.WriteLineAsync($"{run.Resource.Kind} {name} skipped: nothing under {string.Join(", ", paths)} changed since {changed.Revision}").ConfigureAwait(false);
            }
        }

        return selected.ToImmutable();
    }

    /// <summary>Checks the selected runs as <c>sluice run</c> does, then runs and records them all at once (one after another with <c>--sequential</c>); returns the exit code.</summary>
    internal static async Task<int> StartAsync(ParseResult parse, ImmutableArray<SelectedRun> runs, ResourceSet resources, DefinitionVersion? definition, CancellationToken cancellationToken, ImmutableArray<KeyValuePair<string, string>> pinnedImages = default)
    {
        var color = CommonOptions.ColorOnStderr(parse);
        var diagnostics = new DiagnosticBag();
        // The same name may be defined in two files; a run resolves names in its own file first, then in
        // the other files, and only then a Task in the catalog.
        var customTasks = new CustomTaskCatalog(CatalogServices.Default);
        ITaskResolver ResolverFor(SelectedRun run) => new CatalogResolver(new ResourceSetResolver(resources.Scoped(run.Source.File)), TaskCatalog.BuiltIn, customTasks);
        foreach (var run in runs)
        {
            foreach (var problem in Preflight.Check(run.Resource, ResolverFor(run), new EngineOptions()))
            {
                diagnostics.Add(PreflightDiagnostics.From(problem, run.Source, resources, refusal: problem.NeedsCluster));
            }

            foreach (var refusal in ClusterFeatures.Refusals(run.Source with { Resource = run.Resource }, resources))
            {
                diagnostics.Add(refusal);
            }
        }

        var cache = CacheModeOf(parse, diagnostics);
        if (diagnostics.HasErrors)
        {
            DiagnosticPrinter.Print(diagnostics.ToImmutable(), Console.Error, color);
            return ExitCodes.InvalidInput;
        }

        var sessionOptions = new SessionOptions
        {
            ConfigFiles = [.. parse.GetValue(CommonOptions.Config) ?? []],
            ImageMap = [.. RunInputs.Pairs(parse.GetValue(CommonOptions.ImageMap) ?? [], "--image-map", diagnostics), .. pinnedImages.IsDefault ? [] : pinnedImages],
            Executor = parse.GetValue(Executor),
            Network = parse.GetValue(Network),
            Concurrency = parse.GetValue(Concurrency),
            Store = parse.GetValue(HistoryOptions.Store),
        };
        LocalSession? session;
        try
        {
            session = await LocalSession.OpenAsync(sessionOptions, diagnostics, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or System.Net.Sockets.SocketException or IOException or TimeoutException || e.GetType().Name.StartsWith("Docker", StringComparison.Ordinal))
        {
            await Console.Error.WriteLineAsync($"error: cannot reach Docker ({e.Message}); start the Docker engine (eng/install.sh does), or run steps on this machine with --executor host").ConfigureAwait(false);
            return ExitCodes.EnvironmentError;
        }

        if (session is null)
        {
            DiagnosticPrinter.Print(diagnostics.ToImmutable(), Console.Error, color);
            return ExitCodes.InvalidInput;
        }

        await using (session.ConfigureAwait(false))
        {
            var terminal = new Terminal(color: parse.GetValue(CommonOptions.NoColor) ? false : null);
            TaskRunCaching? caching = null;
            if (cache != CacheMode.Off && (caching = TaskRunCaches.Open(session, out var cacheError)) is null)
            {
                await Console.Error.WriteLineAsync($"warning: the cache is not usable ({cacheError}); every TaskRun runs and nothing is stored").ConfigureAwait(false);
            }

            var sequential = parse.GetResult(Sequential) is not null && parse.GetValue(Sequential);
            var succeeded = await RunAllAsync(session, runs, ResolverFor, terminal, parse.GetValue(CommonOptions.Quiet), sequential, definition, cache, caching, cancellationToken).ConfigureAwait(false);
            return succeeded ? ExitCodes.Success : ExitCodes.RunFailed;
        }
    }

    private static ImmutableArray<SelectedRun> SelectRuns(ParseResult parse, ResourceSet resources, DiagnosticBag diagnostics)
    {
        var pipeline = parse.GetValue(Pipeline);
        var task = parse.GetValue(TaskName);
        var ns = parse.GetValue(Namespace);
        var timeout = ParseTimeout(parse.GetValue(Timeout), diagnostics);
        var paramTexts = RunInputs.Pairs(parse.GetValue(Params) ?? [], "-p", diagnostics);
        var workspaces = RunInputs.Pairs(parse.GetValue(Workspaces) ?? [], "-w", diagnostics)
            .Select(w => RunInputs.Binding(w.Key, w.Value, diagnostics))
            .OfType<Model.Tasks.WorkspaceBinding>()
            .ToImmutableArray();
        if (pipeline is not null && task is not null)
        {
            diagnostics.Add(SourceLocation.None, string.Empty, "--pipeline and --task cannot be used together", "start one run at a time");
            return [];
        }

        if (pipeline is not null)
        {
            if (resources.FindPipeline(pipeline) is not { Resource: PipelineDefinition definition } loaded)
            {
                diagnostics.Add(SourceLocation.None, "--pipeline", $"no Pipeline named \"{pipeline}\" in the given files", Known(resources, "Pipeline"));
                return [];
            }

            var run = new PipelineRun
            {
                Metadata = new ObjectMeta { GenerateName = $"{pipeline}-run-", Namespace = ns },
                Spec = new PipelineRunSpec
                {
                    PipelineRef = new PipelineReference { Name = pipeline },
                    Params = [.. paramTexts.Select(p => new Param { Name = p.Key, Value = RunInputs.Value(p.Value, definition.Spec.Params.FirstOrDefault(d => d.Name == p.Key)?.Type ?? ParamType.String, p.Key, diagnostics) })],
                    Workspaces = workspaces,
                    Timeouts = timeout is { } t ? new TimeoutFields { Pipeline = t } : null,
                },
            };
            return [new SelectedRun(loaded, run)];
        }

        if (task is not null)
        {
            // The files' Task first, then the catalog's, as a taskRef resolves.
            if ((resources.FindTask(task) ?? TaskCatalog.BuiltIn.Find(task)?.Resource) is not { Resource: Model.Tasks.TaskDefinition definition } loaded)
            {
                diagnostics.Add(SourceLocation.None, "--task", $"no Task named \"{task}\" in the given files or the catalog", Known(resources, "Task"));
                return [];
            }

            var run = new TaskRun
            {
                Metadata = new ObjectMeta { GenerateName = $"{task}-run-", Namespace = ns },
                Spec = new TaskRunSpec
                {
                    TaskRef = new TaskReference { Name = task },
                    Params = [.. paramTexts.Select(p => new Param { Name = p.Key, Value = RunInputs.Value(p.Value, definition.Spec.Params.FirstOrDefault(d => d.Name == p.Key)?.Type ?? ParamType.String, p.Key, diagnostics) })],
                    Workspaces = workspaces,
                    Timeout = timeout,
                },
            };
            return [new SelectedRun(loaded, run)];
        }

        var runs = resources.Runs.ToImmutableArray();
        if (runs.IsEmpty && !diagnostics.HasErrors)
        {
            diagnostics.Add(SourceLocation.None, string.Empty, "the given files hold no TaskRun or PipelineRun", $"start one with --pipeline NAME or --task NAME{(resources.Resources.IsEmpty ? string.Empty : "; " + Known(resources, "Pipeline") + "; " + Known(resources, "Task"))}");
        }

        return [.. runs.Select(r => new SelectedRun(r, Override(r.Resource, paramTexts, workspaces, timeout, ns, diagnostics)))];
    }

    private static IResource Override(IResource resource, ImmutableArray<KeyValuePair<string, string>> parameters, ImmutableArray<Model.Tasks.WorkspaceBinding> workspaces, Duration? timeout, string? ns, DiagnosticBag diagnostics)
    {
        if (parameters.IsEmpty && workspaces.IsEmpty && timeout is null && ns is null)
        {
            return resource;
        }

        ImmutableArray<Param> Merge(ImmutableArray<Param> existing) =>
            [.. existing.Where(p => parameters.All(o => o.Key != p.Name)),
             .. parameters.Select(o => new Param { Name = o.Key, Value = RunInputs.Value(o.Value, existing.FirstOrDefault(p => p.Name == o.Key)?.Value.Type ?? ParamType.String, o.Key, diagnostics) })];
        ImmutableArray<Model.Tasks.WorkspaceBinding> MergeWorkspaces(ImmutableArray<Model.Tasks.WorkspaceBinding> existing) =>
            [.. existing.Where(w => workspaces.All(o => o.Name != w.Name)), .. workspaces];
        return resource switch
        {
            PipelineRun p => p with
            {
                Metadata = p.Metadata with { Namespace = ns ?? p.Metadata.Namespace },
                Spec = p.Spec with
                {
                    Params = Merge(p.Spec.Params),
                    Workspaces = MergeWorkspaces(p.Spec.Workspaces),
                    Timeouts = timeout is { } t ? (p.Spec.Timeouts ?? new TimeoutFields()) with { Pipeline = t } : p.Spec.Timeouts,
                },
            },
            TaskRun t => t with
            {
                Metadata = t.Metadata with { Namespace = ns ?? t.Metadata.Namespace },
                Spec = t.Spec with { Params = Merge(t.Spec.Params), Workspaces = MergeWorkspaces(t.Spec.Workspaces), Timeout = timeout ?? t.Spec.Timeout },
            },
            _ => resource,
        };
    }

    /// <summary>
    /// <c>--cache</c> caches every TaskRun that does not opt out, <c>--no-cache</c> none; without either the
    /// annotations decide. Commands that start runs without these options (start, rerun) keep the annotations.
    /// </summary>
    private static CacheMode CacheModeOf(ParseResult parse, DiagnosticBag diagnostics)
    {
        var all = parse.GetResult(Cache) is not null && parse.GetValue(Cache);
        var none = parse.GetResult(NoCache) is not null && parse.GetValue(NoCache);
        if (all && none)
        {
            diagnostics.Add(SourceLocation.None, string.Empty, "--cache and --no-cache cannot be used together", "give one of them");
        }

        return none ? CacheMode.Off : all ? CacheMode.All : CacheMode.Annotated;
    }

    private static Duration? ParseTimeout(string? text, DiagnosticBag diagnostics)
    {
        if (text is null)
        {
            return null;
        }

        if (Duration.TryParse(text, out var duration) && duration.Value >= TimeSpan.Zero)
        {
            return duration;
        }

        diagnostics.Add(new SourceLocation($"--timeout {text}", 0, 0), string.Empty, $"invalid duration \"{text}\"", "write a duration such as 90s, 10m or 1h30m");
        return null;
    }

    private static string Known(ResourceSet resources, string kind)
    {
        var names = resources.Resources.Where(r => r.Resource.Kind == kind).Select(r => r.Resource.Metadata.Name).OfType<string>().ToList();
        return names.Count == 0 ? $"the files define no {kind}" : $"{kind}s defined: {string.Join(", ", names)}";
    }

    /// <summary>A run to start: the resource it came from (for positions) and the run with the command line's overrides.</summary>
    internal sealed record SelectedRun(LoadedResource Source, IResource Resource);
}
