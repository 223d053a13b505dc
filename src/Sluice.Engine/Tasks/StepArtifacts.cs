using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;
using Sluice.Engine.Execution;

namespace Sluice.Engine.Tasks;

/// <summary>
/// <c>$(steps.&lt;step&gt;.inputs|outputs.&lt;name&gt;)</c>, which Tekton's entrypoint replaces when a step starts
/// (pkg/entrypoint/entrypointer.go: applyStepArtifactSubstitutions, getArtifactValues) with json.Marshal of
/// the values of that artifact in the earlier step's <c>/tekton/steps/step-&lt;step&gt;/artifacts/provenance.json</c>.
/// It reaches the script (when the step runs only its script), the command and args, and the environment.
/// A text whose references do not all resolve keeps them all, and nothing after it is replaced.
/// </summary>
internal static partial class StepArtifacts
{
    /// <summary>Whether a step's script, command, args or environment refers to a step's artifacts.</summary>
    public static bool Mentions(PlannedContainer planned) =>
        Refers(planned.Step?.Script) || planned.Command.Any(Refers) || planned.Args.Any(Refers) || planned.Container.Env.Any(kv => Refers(kv.Value));

    /// <summary>Replaces the references, rewriting the step's script in the sandbox when that is where they are.</summary>
    public static async ValueTask<PlannedContainer> ApplyAsync(ITaskRunSandbox sandbox, PlannedContainer planned, int maxBytes, CancellationToken cancellationToken)
    {
        var files = new Dictionary<string, Provenance?>(StringComparer.Ordinal);
        if (planned.IsScript && planned.Args.IsEmpty)
        {
            var file = planned.Command[0]["/tekton/scripts/".Length..];
            var bytes = await sandbox.ReadFileAsync(InternalVolumes.Scripts, file, int.MaxValue, cancellationToken).ConfigureAwait(false);
            var script = bytes is null ? null : Encoding.UTF8.GetString(bytes);
            if (script is null || await ReplaceAsync(script, sandbox, files, maxBytes, cancellationToken).ConfigureAwait(false) is not { } replaced)
            {
                return planned;
            }

            if (!ReferenceEquals(replaced, script))
            {
                await sandbox.WriteFileAsync(InternalVolumes.Scripts, file, Encoding.UTF8.GetBytes(replaced), 0x1ED, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            var command = ImmutableArray.CreateBuilder<string>(planned.Command.Length);
            var args = ImmutableArray.CreateBuilder<string>(planned.Args.Length);
            foreach (var (source, target) in new[] { (planned.Command, command), (planned.Args, args) })
            {
                foreach (var text in source)
                {
                    if (await ReplaceAsync(text, sandbox, files, maxBytes, cancellationToken).ConfigureAwait(false) is not { } replaced)
                    {
                        return planned;
                    }

                    target.Add(replaced);
                }
            }

            planned = planned with { Command = command.MoveToImmutable(), Args = args.MoveToImmutable() };
        }

        var env = planned.Container.Env.ToBuilder();
        for (var i = 0; i < env.Count; i++)
        {
            if (await ReplaceAsync(env[i].Value, sandbox, files, maxBytes, cancellationToken).ConfigureAwait(false) is not { } replaced)
            {
                break;
            }

            env[i] = new(env[i].Key, replaced);
        }

        return planned with { Container = planned.Container with { Env = env.ToImmutable() } };
    }

    /// <summary>The text with every reference replaced, the same instance when there is none, or null when one does not resolve.</summary>
    private static async ValueTask<string?> ReplaceAsync(string text, ITaskRunSandbox sandbox, Dictionary<string, Provenance?> files, int maxBytes, CancellationToken cancellationToken)
    {
        if (!Refers(text))
        {
            return text;
        }

        var result = text;
        foreach (Match match in Reference().Matches(text))
        {
            var step = match.Groups["step"].Value;
            if (!files.TryGetValue(step, out var provenance))
            {
                var bytes = await sandbox.ReadFileAsync(InternalVolumes.Steps, $"step-{step}/artifacts/provenance.json", maxBytes, cancellationToken).ConfigureAwait(false);
                files[step] = provenance = bytes is null ? null : Provenance.Parse(bytes);
            }

            var artifacts = match.Groups["kind"].Value == "outputs" ? provenance?.Outputs : provenance?.Inputs;
            if (artifacts?.FirstOrDefault(a => a.Name == match.Groups["name"].Value) is not { } artifact)
            {
                return null;
            }

            result = result.Replace(match.Value, Provenance.Marshal(artifact), StringComparison.Ordinal);
        }

        return result;
    }

    private static bool Refers(string? text) => text?.Contains("$(steps.", StringComparison.Ordinal) == true && Reference().IsMatch(text);

    // Tekton's internal/artifactref stepArtifactUsagePattern.
    [GeneratedRegex(@"\$\(steps\.(?<step>[^.]+)\.(?<kind>inputs|outputs)\.(?<name>[^.)]+)\)", RegexOptions.CultureInvariant)]
    private static partial Regex Reference();
}

/// <summary>
/// What a TaskRun's steps report about artifacts (pkg/pod/status.go: setTaskRunStatusBasedOnStepStatus): after
/// each step that ran, its own provenance file becomes its status <c>inputs</c> and <c>outputs</c>, and both it
/// and the task's <c>/tekton/artifacts/provenance.json</c> as that step left it are merged into
/// <c>status.artifacts</c>.
/// </summary>
internal sealed class ArtifactCollector
{
    private Provenance _merged = Provenance.Empty;

    /// <summary>Reads what the step left and returns its state with its artifacts.</summary>
    public async ValueTask<Model.Runs.StepState> ReadAsync(ITaskRunSandbox sandbox, string stepName, Model.Runs.StepState state, int maxBytes, CancellationToken cancellationToken)
    {
        var task = await ReadAsync(sandbox, InternalVolumes.Artifacts, "provenance.json", maxBytes, cancellationToken).ConfigureAwait(false);
        var step = await ReadAsync(sandbox, InternalVolumes.Steps, $"step-{stepName}/artifacts/provenance.json", maxBytes, cancellationToken).ConfigureAwait(false);
        if (task is not null)
        {
            _merged = _merged.Merge(task);
        }

        if (step is null)
        {
            return state;
        }

        _merged = _merged.Merge(step);
        return state with { Inputs = Provenance.ToNode(step.Inputs), Outputs = Provenance.ToNode(step.Outputs) };
    }

    /// <summary>The status with <c>artifacts</c> set, when any step reported some.</summary>
    public Model.Runs.TaskRunStatus Apply(Model.Runs.TaskRunStatus status) =>
        _merged.IsEmpty ? status : status with { Artifacts = _merged.ToNode() };

    private static async ValueTask<Provenance?> ReadAsync(ITaskRunSandbox sandbox, string volume, string path, int maxBytes, CancellationToken cancellationToken)
    {
        var bytes = await sandbox.ReadFileAsync(volume, path, maxBytes, cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : Provenance.Parse(bytes);
    }
}
