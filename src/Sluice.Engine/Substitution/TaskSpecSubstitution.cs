using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Sluice.Model.Kubernetes;
using Sluice.Model.Tasks;

namespace Sluice.Engine.Substitution;

/// <summary>
/// Applies replacements to the fields of a Task spec that Tekton substitutes
/// (<c>pkg/reconciler/taskrun/resources/apply.go: ApplyReplacements</c> and <c>pkg/container</c>).
/// </summary>
public static class TaskSpecSubstitution
{
    /// <summary>Applies to steps, step template, volumes, workspace mount paths and sidecars; returns the spec itself when nothing changes.</summary>
    public static TaskSpec Apply(TaskSpec spec, Replacements replacements)
    {
        if (replacements.IsEmpty || !VariableScan.Mentions(spec))
        {
            return spec;
        }

        return spec with
        {
            Steps = Map(spec.Steps, replacements, Apply),
            StepTemplate = spec.StepTemplate is { } template ? Apply(template, replacements) : null,
            Volumes = Map(spec.Volumes, replacements, Apply),
            Workspaces = Map(spec.Workspaces, replacements, static (w, r) => VariableScan.Optional(w.MountPath) ? w with { MountPath = r.ApplyOptional(w.MountPath) } : w),
            Sidecars = Map(spec.Sidecars, replacements, Apply),
        };
    }

    /// <summary>Applies to one step (its StepAction params too); returns the step itself when it mentions no variable.</summary>
    public static Step Apply(Step step, Replacements replacements) => !VariableScan.Mentions(step) ? step : step with
    {
        Params = replacements.Apply(step.Params),
        Script = replacements.ApplyOptional(step.Script),
        OnError = replacements.ApplyOptional(step.OnError),
        StdoutConfig = step.StdoutConfig is { } stdout ? stdout with { Path = replacements.ApplyOptional(stdout.Path) } : null,
        StderrConfig = step.StderrConfig is { } stderr ? stderr with { Path = replacements.ApplyOptional(stderr.Path) } : null,
        When = replacements.Apply(step.When),
        Name = replacements.ApplyOptional(step.Name),
        Image = replacements.ApplyOptional(step.Image),
        ImagePullPolicy = replacements.ApplyOptional(step.ImagePullPolicy),
        Args = replacements.ApplyArray(step.Args),
        Command = replacements.ApplyArray(step.Command),
        Env = Apply(step.Env, replacements),
        EnvFrom = Apply(step.EnvFrom, replacements),
        WorkingDir = replacements.ApplyOptional(step.WorkingDir),
        VolumeMounts = Apply(step.VolumeMounts, replacements),
    };

    /// <summary>Applies to one sidecar; returns the sidecar itself when it mentions no variable.</summary>
    public static Sidecar Apply(Sidecar sidecar, Replacements replacements) => !VariableScan.Mentions(sidecar) ? sidecar : sidecar with
    {
        Script = replacements.ApplyOptional(sidecar.Script),
        Name = replacements.ApplyOptional(sidecar.Name),
        Image = replacements.ApplyOptional(sidecar.Image),
        ImagePullPolicy = replacements.ApplyOptional(sidecar.ImagePullPolicy),
        Args = replacements.ApplyArray(sidecar.Args),
        Command = replacements.ApplyArray(sidecar.Command),
        Env = Apply(sidecar.Env, replacements),
        EnvFrom = Apply(sidecar.EnvFrom, replacements),
        WorkingDir = replacements.ApplyOptional(sidecar.WorkingDir),
        VolumeMounts = Apply(sidecar.VolumeMounts, replacements),
    };

    /// <summary>Applies to each item; the same array when no item changed.</summary>
    private static ImmutableArray<T> Map<T>(ImmutableArray<T> items, Replacements replacements, Func<T, Replacements, T> apply)
        where T : class
    {
        T[]? changed = null;
        for (var i = 0; i < items.Length; i++)
        {
            var item = apply(items[i], replacements);
            if (!ReferenceEquals(item, items[i]))
            {
                changed ??= [.. items];
                changed[i] = item;
            }
        }

        return changed is null ? items : ImmutableCollectionsMarshal.AsImmutableArray(changed);
    }

    private static StepTemplate Apply(StepTemplate template, Replacements replacements) => !VariableScan.Mentions(template) ? template : template with
    {
        Image = replacements.ApplyOptional(template.Image),
        ImagePullPolicy = replacements.ApplyOptional(template.ImagePullPolicy),
        Args = replacements.ApplyArray(template.Args),
        Command = replacements.ApplyArray(template.Command),
        Env = Apply(template.Env, replacements),
        EnvFrom = Apply(template.EnvFrom, replacements),
        WorkingDir = replacements.ApplyOptional(template.WorkingDir),
        VolumeMounts = Apply(template.VolumeMounts, replacements),
    };

    private static ImmutableArray<EnvVar> Apply(ImmutableArray<EnvVar> env, Replacements replacements) =>
        env.IsEmpty ? env : [.. env.Select(e => e with
        {
            Value = replacements.ApplyOptional(e.Value),
            ValueFrom = e.ValueFrom is { } valueFrom ? valueFrom with
            {
                SecretKeyRef = valueFrom.SecretKeyRef is { } s ? s with { Name = replacements.ApplyOptional(s.Name), Key = replacements.Apply(s.Key) } : null,
                ConfigMapKeyRef = valueFrom.ConfigMapKeyRef is { } c ? c with { Name = replacements.ApplyOptional(c.Name), Key = replacements.Apply(c.Key) } : null,
            }
            : null,
        })];

    private static ImmutableArray<EnvFromSource> Apply(ImmutableArray<EnvFromSource> envFrom, Replacements replacements) =>
        envFrom.IsEmpty ? envFrom : [.. envFrom.Select(e => e with
        {
            Prefix = replacements.ApplyOptional(e.Prefix),
            ConfigMapRef = e.ConfigMapRef is { } c ? c with { Name = replacements.ApplyOptional(c.Name) } : null,
            SecretRef = e.SecretRef is { } s ? s with { Name = replacements.ApplyOptional(s.Name) } : null,
        })];

    private static ImmutableArray<VolumeMount> Apply(ImmutableArray<VolumeMount> mounts, Replacements replacements) =>
        mounts.IsEmpty ? mounts : [.. mounts.Select(m => m with
        {
            Name = replacements.Apply(m.Name),
            MountPath = replacements.Apply(m.MountPath),
            SubPath = replacements.ApplyOptional(m.SubPath),
        })];

    private static Volume Apply(Volume volume, Replacements replacements) => !VariableScan.Mentions(volume) ? volume : volume with
    {
        Name = replacements.Apply(volume.Name),
        ConfigMap = volume.ConfigMap is { } c ? c with
        {
            Name = replacements.ApplyOptional(c.Name),
            Items = [.. c.Items.Select(i => i with { Key = replacements.Apply(i.Key), Path = replacements.Apply(i.Path) })],
        }
        : null,
        Secret = volume.Secret is { } s ? s with
        {
            SecretName = replacements.ApplyOptional(s.SecretName),
            Items = [.. s.Items.Select(i => i with { Key = replacements.Apply(i.Key), Path = replacements.Apply(i.Path) })],
        }
        : null,
        PersistentVolumeClaim = volume.PersistentVolumeClaim is { } p ? p with { ClaimName = replacements.Apply(p.ClaimName) } : null,
        Projected = volume.Projected is { } projected ? projected with
        {
            Sources = [.. projected.Sources.Select(source => source with
            {
                ConfigMap = source.ConfigMap is { } pc ? pc with { Name = replacements.ApplyOptional(pc.Name) } : null,
                Secret = source.Secret is { } ps ? ps with { Name = replacements.ApplyOptional(ps.Name) } : null,
            })],
        }
        : null,
    };
}
