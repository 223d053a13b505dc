using System.Collections.Immutable;
using Sluice.Model.Kubernetes;
using Sluice.Model.Pipelines;
using Sluice.Model.Tasks;

namespace Sluice.Engine.Substitution;

/// <summary>
/// Whether substitution could change something: a text changes only if it holds <c>$(</c>. Each check
/// covers exactly the fields its substitution rewrites, so an object that mentions nothing is kept as it
/// is instead of being copied field by field on every pass. A required text that is null counts as a
/// mention, since substitution turns it into an empty string.
/// </summary>
internal static class VariableScan
{
    /// <summary>The fields <see cref="TaskSpecSubstitution.Apply(Step, Replacements)"/> rewrites.</summary>
    public static bool Mentions(Step step) =>
        Optional(step.Script) || Optional(step.OnError) || Optional(step.StdoutConfig?.Path) || Optional(step.StderrConfig?.Path) ||
        Optional(step.Name) || Optional(step.Image) || Optional(step.ImagePullPolicy) || Optional(step.WorkingDir) ||
        Mentions(step.Params) || Mentions(step.When) || Mentions(step.Args) || Mentions(step.Command) ||
        Mentions(step.Env) || Mentions(step.EnvFrom) || Mentions(step.VolumeMounts);

    /// <summary>The fields <see cref="TaskSpecSubstitution.Apply(Sidecar, Replacements)"/> rewrites.</summary>
    public static bool Mentions(Sidecar sidecar) =>
        Optional(sidecar.Script) || Optional(sidecar.Name) || Optional(sidecar.Image) || Optional(sidecar.ImagePullPolicy) || Optional(sidecar.WorkingDir) ||
        Mentions(sidecar.Args) || Mentions(sidecar.Command) || Mentions(sidecar.Env) || Mentions(sidecar.EnvFrom) || Mentions(sidecar.VolumeMounts);

    /// <summary>The fields substitution rewrites in a step template.</summary>
    public static bool Mentions(StepTemplate template) =>
        Optional(template.Image) || Optional(template.ImagePullPolicy) || Optional(template.WorkingDir) ||
        Mentions(template.Args) || Mentions(template.Command) || Mentions(template.Env) || Mentions(template.EnvFrom) || Mentions(template.VolumeMounts);

    /// <summary>The fields substitution rewrites in a volume.</summary>
    public static bool Mentions(Volume volume)
    {
        if (Required(volume.Name) || (volume.PersistentVolumeClaim is { } claim && Required(claim.ClaimName)))
        {
            return true;
        }

        if (volume.ConfigMap is { } configMap && (Optional(configMap.Name) || Mentions(configMap.Items)))
        {
            return true;
        }

        if (volume.Secret is { } secret && (Optional(secret.SecretName) || Mentions(secret.Items)))
        {
            return true;
        }

        foreach (var source in volume.Projected?.Sources ?? [])
        {
            if (Optional(source.ConfigMap?.Name) || Optional(source.Secret?.Name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Any step, sidecar, the step template, a volume or a workspace mount path of the spec.</summary>
    public static bool Mentions(TaskSpec spec)
    {
        if (spec.StepTemplate is { } template && Mentions(template))
        {
            return true;
        }

        foreach (var step in spec.Steps)
        {
            if (Mentions(step))
            {
                return true;
            }
        }

        foreach (var sidecar in spec.Sidecars)
        {
            if (Mentions(sidecar))
            {
                return true;
            }
        }

        foreach (var volume in spec.Volumes)
        {
            if (Mentions(volume))
            {
                return true;
            }
        }

        foreach (var workspace in spec.Workspaces)
        {
            if (Optional(workspace.MountPath))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Param values of every type.</summary>
    public static bool Mentions(ImmutableArray<Param> parameters)
    {
        foreach (var param in parameters)
        {
            var value = param.Value;
            var mentions = value.Type switch
            {
                ParamType.Array => Mentions(value.ArrayValue),
                ParamType.Object => value.ObjectValue.Values.Any(Required),
                _ => Required(value.StringValue),
            };
            if (mentions)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>When guards: input, values and CEL.</summary>
    public static bool Mentions(ImmutableArray<WhenExpression> expressions)
    {
        foreach (var when in expressions)
        {
            if (Optional(when.Input) || Optional(when.Cel) || Mentions(when.Values))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Texts in a list.</summary>
    public static bool Mentions(ImmutableArray<string> texts)
    {
        foreach (var text in texts)
        {
            if (Required(text))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether an optional text holds a variable.</summary>
    public static bool Optional(string? text) => text is not null && text.Contains("$(", StringComparison.Ordinal);

    private static bool Required(string? text) => text is null || text.Contains("$(", StringComparison.Ordinal);

    private static bool Mentions(ImmutableArray<EnvVar> env)
    {
        foreach (var variable in env)
        {
            if (Optional(variable.Value))
            {
                return true;
            }

            if (variable.ValueFrom is { } from &&
                ((from.SecretKeyRef is { } secret && (Optional(secret.Name) || Required(secret.Key))) ||
                 (from.ConfigMapKeyRef is { } configMap && (Optional(configMap.Name) || Required(configMap.Key)))))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Mentions(ImmutableArray<EnvFromSource> envFrom)
    {
        foreach (var source in envFrom)
        {
            if (Optional(source.Prefix) || Optional(source.ConfigMapRef?.Name) || Optional(source.SecretRef?.Name))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Mentions(ImmutableArray<VolumeMount> mounts)
    {
        foreach (var mount in mounts)
        {
            if (Required(mount.Name) || Required(mount.MountPath) || Optional(mount.SubPath))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Mentions(ImmutableArray<KeyToPath> items)
    {
        foreach (var item in items)
        {
            if (Required(item.Key) || Required(item.Path))
            {
                return true;
            }
        }

        return false;
    }
}
