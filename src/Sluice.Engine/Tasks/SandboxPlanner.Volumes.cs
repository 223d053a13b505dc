using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using Sluice.Engine.Execution;
using Sluice.Model.Kubernetes;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;

namespace Sluice.Engine.Tasks;

/// <summary>Workspaces, volumes and mounts.</summary>
public sealed partial class SandboxPlanner
{
    /// <summary>The volume name that backs a workspace (what <c>$(workspaces.w.volume)</c> gives).</summary>
    public static string WorkspaceVolumeName(string workspace) => $"ws-{workspace}";

    private static readonly Mount SharedWorkspaceMount = new(InternalVolumes.Workspace, "/workspace");
    private static readonly Mount HomeMount = new(InternalVolumes.Home, "/tekton/home");
    private static readonly Mount ResultsMount = new(InternalVolumes.Results, "/tekton/results");
    private static readonly Mount StepsMount = new(InternalVolumes.Steps, "/tekton/steps", ReadOnly: true);
    private static readonly Mount RunMount = new(InternalVolumes.Run, "/tekton/run", ReadOnly: true);
    private static readonly Mount ArtifactsMount = new(InternalVolumes.Artifacts, "/tekton/artifacts");
    private static readonly Mount CredentialsMount = new(InternalVolumes.Credentials, "/tekton/creds", ReadOnly: true);
    private static readonly Mount ScriptsMount = new(InternalVolumes.Scripts, "/tekton/scripts", ReadOnly: true);

    private sealed record WorkspaceMount(string Workspace, string Volume, string MountPath, string? SubPath, bool ReadOnly, bool Isolated, ImmutableHashSet<string> Users);

    private ImmutableArray<WorkspaceMount> PlanWorkspaces(TaskSpec spec, TaskRun run, Func<WorkspaceBinding, string> claimName, ImmutableArray<SandboxVolume>.Builder volumes, string @namespace)
    {
        if (spec.Workspaces.IsEmpty)
        {
            return [];
        }

        var result = ImmutableArray.CreateBuilder<WorkspaceMount>();
        foreach (var declaration in spec.Workspaces)
        {
            var binding = run.Spec.Workspaces.FirstOrDefault(b => b.Name == declaration.Name);
            if (binding is null)
            {
                continue;
            }

            var volume = WorkspaceVolumeName(declaration.Name);
            var source = BindingSource(binding, claimName, @namespace);
            if (!Has(volumes, volume))
            {
                volumes.Add(new SandboxVolume(volume, source));
            }

            var users = spec.Steps.Where(s => s.Workspaces.Any(w => w.Name == declaration.Name)).Select((s, _) => s.Name ?? string.Empty)
                .Concat(spec.Sidecars.Where(s => s.Workspaces.Any(w => w.Name == declaration.Name)).Select(s => "sidecar:" + s.Name))
                .ToImmutableHashSet(StringComparer.Ordinal);
            var readOnly = declaration.ReadOnly == true || binding.PersistentVolumeClaim?.ReadOnly == true || source is FilesSource;
            result.Add(new WorkspaceMount(declaration.Name, volume, declaration.MountPath ?? $"/workspace/{declaration.Name}", binding.SubPath, readOnly, !users.IsEmpty, users));
        }

        return result.ToImmutable();
    }

    private VolumeSource BindingSource(WorkspaceBinding binding, Func<WorkspaceBinding, string> claimName, string @namespace)
    {
        if (binding.EmptyDir is { } emptyDir)
        {
            return new EmptyDirSource(emptyDir.Medium == "Memory");
        }

        if (binding.PersistentVolumeClaim is { } claim)
        {
            return new ClaimSource(claim.ClaimName, RunScoped: false, claim.ReadOnly == true);
        }

        if (binding.VolumeClaimTemplate is not null)
        {
            return new ClaimSource(claimName(binding), RunScoped: true);
        }

        if (binding.ConfigMap is { } configMap)
        {
            return new FilesSource(Project(ConfigMapData(configMap.Name, configMap.Optional == true, @namespace), configMap.Items, configMap.DefaultMode));
        }

        if (binding.Secret is { } secret)
        {
            return new FilesSource(Project(SecretData(secret.SecretName, secret.Optional == true, @namespace), secret.Items, secret.DefaultMode));
        }

        if (binding.Projected is { } projected)
        {
            return new FilesSource(Projected(projected, @namespace));
        }

        throw new TaskRunFailure("CreateContainerConfigError", $"workspace \"{binding.Name}\": CSI volumes need a cluster; bind it to emptyDir, persistentVolumeClaim, configMap or secret");
    }

    private VolumeSource VolumeSource(Volume volume, string @namespace)
    {
        if (volume.ConfigMap is { } configMap)
        {
            return new FilesSource(Project(ConfigMapData(configMap.Name, configMap.Optional == true, @namespace), configMap.Items, configMap.DefaultMode));
        }

        if (volume.Secret is { } secret)
        {
            return new FilesSource(Project(SecretData(secret.SecretName, secret.Optional == true, @namespace), secret.Items, secret.DefaultMode));
        }

        if (volume.Projected is { } projected)
        {
            return new FilesSource(Projected(projected, @namespace));
        }

        if (volume.PersistentVolumeClaim is { } claim)
        {
            return new ClaimSource(claim.ClaimName, RunScoped: false, claim.ReadOnly == true);
        }

        if (volume.HostPath is { } hostPath)
        {
            return new HostPathSource(hostPath.Path);
        }

        if (volume.Csi is not null || volume.GitRepo is not null || volume.Nfs is not null || volume.Ephemeral is not null || volume.Image is not null || volume.DownwardAPI is not null)
        {
            throw new TaskRunFailure("CreateContainerConfigError", $"volume \"{volume.Name}\": this volume type needs a cluster; Sluice emulates emptyDir, hostPath, configMap, secret, projected and persistentVolumeClaim volumes", needsCluster: true);
        }

        return new EmptyDirSource(volume.EmptyDir?.Medium == "Memory");
    }

    private ImmutableArray<SandboxFile> Projected(ProjectedVolumeSource projected, string @namespace)
    {
        var files = ImmutableArray.CreateBuilder<SandboxFile>();
        foreach (var source in projected.Sources)
        {
            if (source.ConfigMap is { } configMap)
            {
                files.AddRange(Project(ConfigMapData(configMap.Name, configMap.Optional == true, @namespace), configMap.Items, projected.DefaultMode));
            }
            else if (source.Secret is { } secret)
            {
                files.AddRange(Project(SecretData(secret.Name, secret.Optional == true, @namespace), secret.Items, projected.DefaultMode));
            }
            else
            {
                throw new TaskRunFailure("CreateContainerConfigError", "projected volumes support configMap and secret sources here; downwardAPI, serviceAccountToken and the others need a cluster");
            }
        }

        return files.ToImmutable();
    }

    private static ImmutableArray<SandboxFile> Project(ImmutableDictionary<string, byte[]>? data, ImmutableArray<KeyToPath> items, int? defaultMode)
    {
        if (data is null)
        {
            return [];
        }

        var mode = defaultMode ?? 420;
        if (items.IsEmpty)
        {
            return [.. data.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new SandboxFile(kv.Key, kv.Value, mode))];
        }

        return [.. items.Where(i => data.ContainsKey(i.Key)).Select(i => new SandboxFile(i.Path, data[i.Key], i.Mode ?? mode))];
    }

    private static List<Mount> StepMounts(Step step, int index, ImmutableArray<WorkspaceMount> workspaces, ImmutableArray<SandboxVolume>.Builder volumes, string container)
    {
        var mounts = UserMounts(step.VolumeMounts, volumes, container);
        foreach (var workspace in workspaces)
        {
            var usage = step.Workspaces.FirstOrDefault(w => w.Name == workspace.Workspace);
            if (workspace.Isolated && usage is null)
            {
                continue;
            }

            mounts.Add(new Mount(workspace.Volume, usage?.MountPath ?? workspace.MountPath, workspace.SubPath, workspace.ReadOnly));
        }

        AddImplicit(mounts, SharedWorkspaceMount);
        AddImplicit(mounts, HomeMount);
        mounts.Add(ResultsMount);
        mounts.Add(StepsMount);
        mounts.Add(new Mount(InternalVolumes.Steps, $"/tekton/steps/{container}", container));
        mounts.Add(RunMount);
        var position = index.ToString(CultureInfo.InvariantCulture);
        mounts.Add(new Mount(InternalVolumes.Run, $"/tekton/run/{position}", position));
        mounts.Add(ArtifactsMount);
        if (Has(volumes, InternalVolumes.Credentials))
        {
            mounts.Add(CredentialsMount);
        }

        return mounts;
    }

    private static List<Mount> SidecarMounts(Sidecar sidecar, ImmutableArray<WorkspaceMount> workspaces, ImmutableArray<SandboxVolume>.Builder volumes, string container)
    {
        var mounts = UserMounts(sidecar.VolumeMounts, volumes, container);
        foreach (var workspace in workspaces)
        {
            var usage = sidecar.Workspaces.FirstOrDefault(w => w.Name == workspace.Workspace);
            if ((workspace.Isolated && usage is null) || mounts.Any(m => m.Volume == workspace.Volume))
            {
                continue;
            }

            mounts.Add(new Mount(workspace.Volume, usage?.MountPath ?? workspace.MountPath, workspace.SubPath, workspace.ReadOnly));
        }

        AddImplicit(mounts, SharedWorkspaceMount);
        AddImplicit(mounts, HomeMount);
        return mounts;
    }

    private static List<Mount> UserMounts(ImmutableArray<VolumeMount> volumeMounts, ImmutableArray<SandboxVolume>.Builder volumes, string container)
    {
        var mounts = new List<Mount>(volumeMounts.Length + 10);
        foreach (var mount in volumeMounts)
        {
            if (!Has(volumes, mount.Name))
            {
                throw new TaskRunFailure("CreateContainerConfigError", $"\"{container}\" mounts volume \"{mount.Name}\" which is not declared in the Task's volumes");
            }

            mounts.Add(new Mount(mount.Name, mount.MountPath, string.IsNullOrEmpty(mount.SubPath) ? null : mount.SubPath, mount.ReadOnly == true));
        }

        return mounts;
    }

    private static bool Has(ImmutableArray<SandboxVolume>.Builder volumes, string name)
    {
        for (var i = 0; i < volumes.Count; i++)
        {
            if (volumes[i].Name == name)
            {
                return true;
            }
        }

        return false;
    }

    private static void AddImplicit(List<Mount> mounts, Mount mount)
    {
        foreach (var existing in mounts)
        {
            if (existing.ContainerPath.AsSpan().TrimEnd('/').SequenceEqual(mount.ContainerPath))
            {
                return;
            }
        }

        mounts.Add(mount);
    }

    /// <summary>Parents before children: a stable sort by the depth of the container path; then <paramref name="last"/>, if any.</summary>
    private static ImmutableArray<Mount> Order(List<Mount> mounts, Mount? last)
    {
        var ordered = new Mount[mounts.Count + (last is null ? 0 : 1)];
        Span<int> depths = mounts.Count <= 64 ? stackalloc int[mounts.Count] : new int[mounts.Count];
        for (var i = 0; i < mounts.Count; i++)
        {
            var mount = mounts[i];
            var depth = mount.ContainerPath.AsSpan().TrimEnd('/').Count('/');
            var j = i;
            for (; j > 0 && depths[j - 1] > depth; j--)
            {
                ordered[j] = ordered[j - 1];
                depths[j] = depths[j - 1];
            }

            ordered[j] = mount;
            depths[j] = depth;
        }

        if (last is not null)
        {
            ordered[^1] = last;
        }

        return ImmutableCollectionsMarshal.AsImmutableArray(ordered);
    }
}
