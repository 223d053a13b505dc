using System.Collections.Immutable;
using Sluice.Model.Kubernetes;
using Sluice.Model.Tasks;

namespace Sluice.Engine.Tasks;

/// <summary>
/// Merges a Task's stepTemplate into its steps as Tekton's strategic merge does: the step's fields
/// win; env vars merge by name and volume mounts by mount path.
/// </summary>
public static class StepTemplates
{
    /// <summary>Merges the template into every step that is not a StepAction reference.</summary>
    public static ImmutableArray<Step> Merge(StepTemplate? template, ImmutableArray<Step> steps) =>
        template is null ? steps : [.. steps.Select(s => s.Ref is null ? Merge(template, s) : s)];

    /// <summary>Merges the template into one step.</summary>
    public static Step Merge(StepTemplate template, Step step) => step with
    {
        Image = step.Image ?? template.Image,
        Command = step.Command.IsEmpty ? template.Command : step.Command,
        Args = step.Args.IsEmpty ? template.Args : step.Args,
        WorkingDir = step.WorkingDir ?? template.WorkingDir,
        Env = MergeBy(template.Env, step.Env, e => e.Name),
        EnvFrom = template.EnvFrom.AddRange(step.EnvFrom),
        VolumeMounts = MergeBy(template.VolumeMounts, step.VolumeMounts, m => m.MountPath),
        VolumeDevices = MergeBy(template.VolumeDevices, step.VolumeDevices, d => d.DevicePath),
        ImagePullPolicy = step.ImagePullPolicy ?? template.ImagePullPolicy,
        SecurityContext = Merge(template.SecurityContext, step.SecurityContext),
        ComputeResources = Merge(template.ComputeResources, step.ComputeResources),
    };

    private static ImmutableArray<T> MergeBy<T>(ImmutableArray<T> template, ImmutableArray<T> own, Func<T, string> key)
    {
        if (template.IsEmpty)
        {
            return own;
        }

        if (own.IsEmpty)
        {
            return template;
        }

        var overrides = own.ToDictionary(key, StringComparer.Ordinal);
        var merged = template.Select(t => overrides.TryGetValue(key(t), out var o) ? o : t).ToList();
        var present = template.Select(key).ToHashSet(StringComparer.Ordinal);
        merged.AddRange(own.Where(o => !present.Contains(key(o))));
        return [.. merged];
    }

    private static SecurityContext? Merge(SecurityContext? template, SecurityContext? own) =>
        template is null ? own : own is null ? template : own with
        {
            RunAsUser = own.RunAsUser ?? template.RunAsUser,
            RunAsGroup = own.RunAsGroup ?? template.RunAsGroup,
            RunAsNonRoot = own.RunAsNonRoot ?? template.RunAsNonRoot,
            Privileged = own.Privileged ?? template.Privileged,
            AllowPrivilegeEscalation = own.AllowPrivilegeEscalation ?? template.AllowPrivilegeEscalation,
            ReadOnlyRootFilesystem = own.ReadOnlyRootFilesystem ?? template.ReadOnlyRootFilesystem,
            Capabilities = own.Capabilities ?? template.Capabilities,
        };

    private static ResourceRequirements? Merge(ResourceRequirements? template, ResourceRequirements? own) =>
        template is null ? own : own is null ? template : own with
        {
            Limits = template.Limits.SetItems(own.Limits),
            Requests = template.Requests.SetItems(own.Requests),
        };
}
