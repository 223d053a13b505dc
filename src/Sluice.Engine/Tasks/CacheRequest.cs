using System.Collections.Immutable;
using Sluice.Engine.Caching;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;

namespace Sluice.Engine.Tasks;

/// <summary>What a TaskRun asks of the cache: the workspace paths it reads and those it writes.</summary>
/// <param name="Inputs">Paths whose content enters the key.</param>
/// <param name="Outputs">Paths stored after a success and restored on a hit.</param>
public sealed partial record CacheRequest(ImmutableArray<CachedPath> Inputs, ImmutableArray<CachedPath> Outputs)
{
    /// <summary>
    /// Whether a TaskRun is cached, and with which paths. Each annotation is read from the TaskRun
    /// (which carries its PipelineRun's, its embedded taskSpec's and its taskRunSpecs' metadata) and
    /// then from the Task, the TaskRun winning as in Tekton. With <see cref="CacheMode.All"/> a TaskRun
    /// that says nothing is cached; <c>"false"</c> always opts out; <see cref="CacheMode.Off"/> caches none.
    /// </summary>
    /// <returns>The request, or null when the TaskRun is not cached.</returns>
    /// <exception cref="TaskRunFailure">An annotation is malformed or names a workspace the Task does not declare.</exception>
    public static CacheRequest? For(TaskRun run, IReadOnlyDictionary<string, string>? taskAnnotations, TaskSpec spec, CacheMode mode)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(spec);
        if (mode == CacheMode.Off)
        {
            return null;
        }

        string? Read(string name) => run.Metadata.Annotations.TryGetValue(name, out var value) ? value : taskAnnotations?.GetValueOrDefault(name);
        var flag = Read(CacheAnnotations.Cache)?.Trim();
        bool cached;
        if (flag is null)
        {
            cached = mode == CacheMode.All;
        }
        else if (bool.TryParse(flag, out var parsed))
        {
            cached = parsed;
        }
        else
        {
            throw Invalid($"annotation {CacheAnnotations.Cache} is \"{flag}\"; write \"true\" or \"false\"");
        }

        if (!cached)
        {
            return null;
        }

        return new CacheRequest(
            Paths(CacheAnnotations.Inputs, WithParams(Read(CacheAnnotations.Inputs), run, spec), spec),
            Paths(CacheAnnotations.Outputs, WithParams(Read(CacheAnnotations.Outputs), run, spec), spec));
    }

    /// <summary>
    /// The paths with each <c>$(params.NAME)</c> replaced by the TaskRun's string value or the param's
    /// default, so that a Task caches the directory its params name (<c>source:$(params.output)</c>).
    /// </summary>
    private static string? WithParams(string? text, TaskRun run, TaskSpec spec)
    {
        if (text is null || !text.Contains("$(params.", StringComparison.Ordinal))
        {
            return text;
        }

        return ParamReference().Replace(text, match =>
        {
            var name = match.Groups["name"].Value;
            var value = run.Spec.Params.FirstOrDefault(p => p.Name == name)?.Value ?? spec.Params.FirstOrDefault(p => p.Name == name)?.Default
                ?? throw Invalid($"a cache annotation names $(params.{name}), which has no value");
            return value.Type == Model.Pipelines.ParamType.String
                ? value.StringValue
                : throw Invalid($"a cache annotation names $(params.{name}), which is not a string");
        });
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\$\(params\.(?<name>[A-Za-z0-9_-]+)\)")]
    private static partial System.Text.RegularExpressions.Regex ParamReference();

    private static ImmutableArray<CachedPath> Paths(string annotation, string? text, TaskSpec spec)
    {
        var paths = CachedPath.ParseList(annotation, text, out var error) ?? throw Invalid(error!);
        foreach (var path in paths)
        {
            if (spec.Workspaces.All(w => w.Name != path.Workspace))
            {
                var declared = spec.Workspaces.IsEmpty ? "the Task declares no workspaces" : "the Task declares " + string.Join(", ", spec.Workspaces.Select(w => w.Name));
                throw Invalid($"annotation {annotation} names workspace \"{path.Workspace}\" in \"{path}\", but {declared}");
            }
        }

        return paths;
    }

    private static TaskRunFailure Invalid(string message) => new("TaskRunValidationFailed", message);
}
