using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Sluice.Engine.Caching;
using Sluice.Engine.Execution;
using Sluice.Engine.Substitution;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;
using Sluice.Model.Writing;
using Sluice.Oci;

namespace Sluice.Engine.Tasks;

/// <summary>Caching (DESIGN.md section 5): a TaskRun's key, a hit restored instead of run, a success stored.</summary>
public sealed partial class TaskRunRunner
{
    /// <summary>The descriptor annotation that says which declared output a stored layer holds.</summary>
    private const string OutputPathAnnotation = "sluice.dev/cache-output";

    /// <summary>
    /// A claimed key: the claim (hit or lease), the outputs a success stores, and what was decided on
    /// the way (images, step states) so that the first attempt does not resolve images again.
    /// </summary>
    private sealed record CacheWork(
        Digest Key,
        CacheClaim Claim,
        ImmutableArray<(CachedPath Path, WorkspaceLocation? Location)> Outputs,
        IReadOnlyDictionary<string, ResolvedImage> Images,
        ImmutableArray<StepState> Steps);

    /// <summary>
    /// Computes the key of the TaskRun's first attempt and claims it. Null when the attempt would fail
    /// before running a step (it reports that itself) or the caller cancelled.
    /// </summary>
    private async ValueTask<CacheWork?> ClaimAsync(TaskRunCaching caching, TaskRun run, TaskSpec resolved, string taskName, CacheRequest request, TaskRunInvocation invocation, CancellationToken cancellationToken)
    {
        TaskSpec spec;
        SandboxPlan plan;
        Dictionary<string, ResolvedImage> images;
        try
        {
            spec = TaskRunSubstitution.Apply(resolved, run, taskName, 0);
            if (spec.StepTemplate is not null)
            {
                spec = spec with { Steps = StepTemplates.Merge(spec.StepTemplate, spec.Steps) };
            }

            plan = _planner.Plan(spec, run, invocation.ClaimName ?? OwnClaims(run));
            images = await ResolveImagesAsync(plan, cancellationToken).ConfigureAwait(false);
        }
        catch (TaskRunFailure)
        {
            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        var inputs = ImmutableSortedDictionary.CreateBuilder<string, Digest>(StringComparer.Ordinal);
        foreach (var path in request.Inputs)
        {
            if (Locate(plan, run, invocation, path) is { } location)
            {
                inputs[path.ToString()] = await caching.Workspaces.DigestAsync(location, cancellationToken).ConfigureAwait(false);
            }
        }

        var containers = plan.Steps.AddRange(plan.Sidecars);
        var key = CacheKeys.Compute(new CacheKeyInput
        {
            Spec = KeySpec(spec, run, request),
            Platform = containers.Select(c => images[c.Image].Platform).FirstOrDefault(p => p.Length > 0) ?? "unknown",
            ImageId = string.Join(",", containers.Select(c => images[c.Image].ImageId)),
            Inputs = inputs.ToImmutable(),
        });
        var claim = await caching.Index.ClaimAsync(key, cancellationToken).ConfigureAwait(false);
        var steps = plan.Steps.Select(s => new StepState { Name = s.StatusName, Container = s.ContainerName, ImageID = images[s.Image].ImageId }).ToImmutableArray();
        return new CacheWork(key, claim, [.. request.Outputs.Select(p => (p, Locate(plan, run, invocation, p)))], images, steps);
    }

    /// <summary>
    /// What the key hashes besides images and inputs: the substituted Task spec, the params, how each
    /// workspace is bound (secrets and config maps by name only), the service account and the declared
    /// outputs. Lists are sorted by name, so the order a run writes them in does not matter.
    /// </summary>
    private static JsonObject KeySpec(TaskSpec spec, TaskRun run, CacheRequest request) => new()
    {
        ["taskSpec"] = ResourceWriter.ToNode(spec),
        ["params"] = new JsonArray([.. run.Spec.Params.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => (JsonNode)new JsonObject { ["name"] = p.Name, ["value"] = ResourceWriter.ToNode(p.Value) })]),
        ["workspaces"] = new JsonArray([.. run.Spec.Workspaces.OrderBy(w => w.Name, StringComparer.Ordinal).Select(w => (JsonNode)new JsonObject
        {
            ["name"] = w.Name,
            ["kind"] = BindingKind(w),
            ["source"] = w.Secret?.SecretName ?? w.ConfigMap?.Name,
            ["subPath"] = w.SubPath,
        })]),
        ["serviceAccountName"] = run.Spec.ServiceAccountName,
        ["outputs"] = new JsonArray([.. request.Outputs.Select(p => (JsonNode)JsonValue.Create(p.ToString()))]),
    };

    private static string BindingKind(WorkspaceBinding binding) =>
        binding.EmptyDir is not null ? "emptyDir"
        : binding.PersistentVolumeClaim is not null ? "persistentVolumeClaim"
        : binding.VolumeClaimTemplate is not null ? "volumeClaimTemplate"
        : binding.ConfigMap is not null ? "configMap"
        : binding.Secret is not null ? "secret"
        : binding.Projected is not null ? "projected"
        : "other";

    /// <summary>Where a declared path lives, or null when its workspace is unbound or does not outlive the TaskRun (emptyDir, files).</summary>
    private WorkspaceLocation? Locate(SandboxPlan plan, TaskRun run, TaskRunInvocation invocation, CachedPath path)
    {
        var binding = run.Spec.Workspaces.FirstOrDefault(b => b.Name == path.Workspace);
        var volume = plan.Volumes.FirstOrDefault(v => v.Name == SandboxPlanner.WorkspaceVolumeName(path.Workspace));
        if (binding is null || volume?.Source is not (ClaimSource or HostPathSource))
        {
            return null;
        }

        return new WorkspaceLocation
        {
            RunUid = invocation.RunUid,
            Namespace = run.Metadata.Namespace ?? _options.DefaultNamespace,
            Volume = volume.Source,
            SubPath = binding.SubPath,
            Path = path.Path,
        };
    }

    /// <summary>Restores a hit's outputs into the workspaces and gives the status a successful run would have.</summary>
    private async ValueTask<TaskRunStatus> RestoreAsync(TaskRunCaching caching, CacheWork work, CacheEntry hit, TaskSpec spec, TaskRunStatus status, CancellationToken cancellationToken)
    {
        foreach (var (path, location) in work.Outputs)
        {
            var snapshot = hit.Result.Outputs.FirstOrDefault(o => o.Annotation(OutputPathAnnotation) == path.ToString());
            if (location is not null && snapshot is not null)
            {
                await caching.Workspaces.RestoreAsync(location, snapshot, cancellationToken).ConfigureAwait(false);
            }
        }

        var results = ImmutableArray.CreateBuilder<RunResult>();
        foreach (var declared in spec.Results)
        {
            if (hit.Result.Results.TryGetValue(declared.Name, out var text) && ResultValues.Parse(text, declared.Type) is { } value)
            {
                results.Add(new RunResult { Name = declared.Name, Type = ResultValues.TypeName(value.Type), Value = value });
            }
        }

        var now = Now();
        return status with
        {
            Steps = CachedStatus.RestoreSteps(hit.Result.Results, work.Steps, now),
            Results = results.ToImmutable(),
            Artifacts = CachedStatus.RestoreArtifacts(hit.Result.Results),
            Conditions = [Succeeded()],
            CompletionTime = now,
        };
    }

    /// <summary>Stores a successful TaskRun's results and outputs under its key.</summary>
    private async ValueTask StoreAsync(TaskRunCaching caching, CacheWork work, TaskRun run, TaskRunInvocation invocation, TaskRunStatus status, CancellationToken cancellationToken)
    {
        var outputs = ImmutableArray.CreateBuilder<Descriptor>();
        foreach (var (path, location) in work.Outputs)
        {
            if (location is not null)
            {
                outputs.Add((await caching.Workspaces.SaveAsync(location, cancellationToken).ConfigureAwait(false)).WithAnnotation(OutputPathAnnotation, path.ToString()));
            }
        }

        await caching.Index.PutAsync(work.Key, new CacheResult
        {
            Results = status.Results.Select(r => KeyValuePair.Create(r.Name, r.Value.ToString())).Concat(CachedStatus.Save(status)).ToImmutableSortedDictionary(StringComparer.Ordinal),
            Outputs = outputs.ToImmutable(),
            SourceRun = invocation.RunUid,
            SourceTaskRun = run.Metadata.Name,
        }, cancellationToken).ConfigureAwait(false);
    }

    private static TaskRun Annotate(TaskRun run, params ReadOnlySpan<(string Name, string Value)> annotations)
    {
        var merged = run.Metadata.Annotations;
        foreach (var (name, value) in annotations)
        {
            merged = merged.SetItem(name, value);
        }

        return run with { Metadata = run.Metadata with { Annotations = merged } };
    }

    /// <summary>Failures of the cache's own storage: the run goes on without it, and says why in an annotation.</summary>
    private static bool IsCacheFailure(Exception e) =>
        e is IOException or InvalidDataException or UnauthorizedAccessException or System.Data.Common.DbException;
}
