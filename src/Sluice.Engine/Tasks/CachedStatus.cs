using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Sluice.Model.Runs;

namespace Sluice.Engine.Tasks;

/// <summary>
/// What a cache entry keeps of a TaskRun's status besides its results, so that a hit reports what the
/// run did: each step's exit code and reasons (a step that failed under <c>onError: continue</c> stays
/// <c>Continued</c> with its exit code, one a <c>when</c> expression skipped stays <c>Skipped</c>) and
/// <c>status.artifacts</c>, which later tasks read as <c>$(tasks.t.outputs.name)</c>. Both are entry
/// results whose names hold a <c>/</c>, which a Tekton result name cannot, so they never clash.
/// </summary>
internal static class CachedStatus
{
    /// <summary>The entry result holding the steps' terminations, a JSON array in step order.</summary>
    public const string Steps = "sluice.dev/steps";

    /// <summary>The entry result holding <c>status.artifacts</c> as JSON, when the run reported any.</summary>
    public const string Artifacts = "sluice.dev/artifacts";

    /// <summary>The entry results that keep the status: the steps always, the artifacts when there are some.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Save(TaskRunStatus status)
    {
        var steps = new JsonArray([.. status.Steps.Select(s => (JsonNode)new JsonObject
        {
            ["name"] = s.Name,
            ["exitCode"] = s.Terminated?.ExitCode ?? 0,
            ["reason"] = s.Terminated?.Reason,
            ["terminationReason"] = s.TerminationReason,
        })]);
        yield return new(Steps, steps.ToJsonString());
        if (status.Artifacts is { } artifacts)
        {
            yield return new(Artifacts, artifacts.ToJsonString());
        }
    }

    /// <summary>
    /// The steps of a hit, ended at <paramref name="now"/> as the entry recorded them; a step the entry
    /// does not name ends <c>Completed</c> with exit code 0, as a stored run's steps all could have.
    /// </summary>
    public static ImmutableArray<StepState> RestoreSteps(IReadOnlyDictionary<string, string> entry, ImmutableArray<StepState> steps, string now)
    {
        var recorded = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        if (entry.TryGetValue(Steps, out var text) && Parse(text) is JsonArray array)
        {
            foreach (var step in array.OfType<JsonObject>())
            {
                if (step["name"]?.GetValue<string>() is { } name)
                {
                    recorded[name] = step;
                }
            }
        }

        return [.. steps.Select(s =>
        {
            var step = recorded.GetValueOrDefault(s.Name);
            var reason = step?["reason"]?.GetValue<string>() ?? "Completed";
            return s with
            {
                Terminated = new ContainerTerminated { ExitCode = step?["exitCode"]?.GetValue<int>() ?? 0, Reason = reason, StartedAt = now, FinishedAt = now },
                TerminationReason = step?["terminationReason"]?.GetValue<string>() ?? reason,
            };
        })];
    }

    /// <summary>The artifacts the entry recorded, or null.</summary>
    public static JsonNode? RestoreArtifacts(IReadOnlyDictionary<string, string> entry) =>
        entry.TryGetValue(Artifacts, out var text) ? Parse(text) : null;

    /// <exception cref="InvalidDataException">The stored text is not JSON: the cache's own storage failed, and the TaskRun runs without it.</exception>
    private static JsonNode? Parse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"a cache entry's {Steps} or {Artifacts} is not JSON: {e.Message}", e);
        }
    }
}
