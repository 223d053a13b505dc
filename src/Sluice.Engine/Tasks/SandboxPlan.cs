using System.Collections.Immutable;
using Sluice.Engine.Execution;
using Sluice.Model.Tasks;

namespace Sluice.Engine.Tasks;

/// <summary>What a TaskRun needs from a backend: volumes, files, and its containers before image resolution.</summary>
/// <param name="Volumes">The sandbox's volumes.</param>
/// <param name="Files">Files the engine writes before the first step (scripts).</param>
/// <param name="Steps">The steps, in order.</param>
/// <param name="Sidecars">The sidecars.</param>
public sealed record SandboxPlan(
    ImmutableArray<SandboxVolume> Volumes,
    ImmutableArray<PlannedFile> Files,
    ImmutableArray<PlannedContainer> Steps,
    ImmutableArray<PlannedContainer> Sidecars);

/// <summary>A file the engine writes into a volume before the steps run.</summary>
/// <param name="Volume">The volume.</param>
/// <param name="Path">The path inside it.</param>
/// <param name="Content">The bytes.</param>
/// <param name="Mode">The Unix mode.</param>
public sealed record PlannedFile(string Volume, string Path, byte[] Content, int Mode);

/// <summary>A step or sidecar, decided except for what depends on its image (the argv when it has no command).</summary>
public sealed record PlannedContainer
{
    /// <summary>The container name: <c>step-x</c> or <c>sidecar-x</c>.</summary>
    public string ContainerName { get; init; } = string.Empty;

    /// <summary>The name Tekton reports in status: the step's name or <c>unnamed-N</c>.</summary>
    public string StatusName { get; init; } = string.Empty;

    /// <summary>The position among steps (or sidecars).</summary>
    public int Index { get; init; }

    /// <summary>The image reference as written (after substitution).</summary>
    public string Image { get; init; } = string.Empty;

    /// <summary>When to pull.</summary>
    public ImagePullPolicy PullPolicy { get; init; } = ImagePullPolicy.IfNotPresent;

    /// <summary>The command, empty to use the image's entrypoint.</summary>
    public ImmutableArray<string> Command { get; init; } = [];

    /// <summary>The arguments.</summary>
    public ImmutableArray<string> Args { get; init; } = [];

    /// <summary>Whether the command is a script the engine wrote.</summary>
    public bool IsScript { get; init; }

    /// <summary>Refuse to run as root (securityContext.runAsNonRoot).</summary>
    public bool RunAsNonRoot { get; init; }

    /// <summary>The container without image and argv.</summary>
    public ContainerSpec Container { get; init; } = new();

    /// <summary>The step it came from, for steps.</summary>
    public Step? Step { get; init; }

    /// <summary>The sidecar it came from, for sidecars.</summary>
    public Sidecar? Sidecar { get; init; }

    /// <summary>The argv Tekton runs, given the image's ENTRYPOINT and CMD.</summary>
    /// <exception cref="TaskRunFailure">Nothing to run: no command, script, entrypoint or cmd.</exception>
    public ImmutableArray<string> Argv(ResolvedImage image)
    {
        if (!Command.IsEmpty)
        {
            return Command.AddRange(Args);
        }

        if (!image.Entrypoint.IsEmpty)
        {
            return image.Entrypoint.AddRange(Args.IsEmpty ? image.Cmd : Args);
        }

        if (!image.Cmd.IsEmpty)
        {
            return image.Cmd.AddRange(Args);
        }

        if (!Args.IsEmpty)
        {
            return Args;
        }

        throw new TaskRunFailure("CreateContainerConfigError", $"\"{ContainerName}\" has no command, script or args, and image \"{Image}\" has no ENTRYPOINT or CMD: give the step a command or a script");
    }
}

/// <summary>The well-known internal volumes and paths of a TaskRun (Tekton's <c>pkg/apis/pipeline/paths.go</c>).</summary>
public static class InternalVolumes
{
    /// <summary>The shared <c>/workspace</c>.</summary>
    public const string Workspace = "tekton-internal-workspace";

    /// <summary>The shared <c>/tekton/home</c>.</summary>
    public const string Home = "tekton-internal-home";

    /// <summary><c>/tekton/results</c>.</summary>
    public const string Results = "tekton-internal-results";

    /// <summary><c>/tekton/steps</c>: exit codes and step results.</summary>
    public const string Steps = "tekton-internal-steps";

    /// <summary><c>/tekton/run</c>: per-step run markers.</summary>
    public const string Run = "tekton-internal-run";

    /// <summary><c>/tekton/scripts</c>.</summary>
    public const string Scripts = "tekton-internal-scripts";

    /// <summary><c>/tekton/artifacts</c>.</summary>
    public const string Artifacts = "tekton-internal-artifacts";

    /// <summary><c>/tekton/creds</c>: credentials from the service account's Secrets.</summary>
    public const string Credentials = "tekton-creds-init-home";

    /// <summary>All volumes every sandbox has.</summary>
    public static ImmutableArray<SandboxVolume> All { get; } =
    [
        new(Workspace, new EmptyDirSource()),
        new(Home, new EmptyDirSource()),
        new(Results, new EmptyDirSource()),
        new(Steps, new EmptyDirSource()),
        new(Run, new EmptyDirSource()),
        new(Scripts, new EmptyDirSource()),
        new(Artifacts, new EmptyDirSource()),
    ];
}
