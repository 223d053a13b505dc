using System.Collections.Immutable;
using System.Text;
using Sluice.Engine.Execution;
using Sluice.Model.Kubernetes;
using Sluice.Model.Runs;
using Sluice.Model.Substitution;
using Sluice.Model.Tasks;

namespace Sluice.Engine.Tasks;

/// <summary>
/// Turns a resolved, substituted Task spec and its TaskRun into a sandbox plan, following Tekton's pod
/// construction (pkg/pod/pod.go, script.go, workspace/apply.go): internal volumes, workspaces (isolated
/// when a step names them), user volumes, scripts, env, users and limits.
/// </summary>
/// <param name="resolver">Where ConfigMaps and Secrets come from.</param>
public sealed partial class SandboxPlanner(ITaskResolver resolver)
{
    /// <summary>Plans a TaskRun's sandbox.</summary>
    /// <param name="spec">The substituted spec, step template already merged.</param>
    /// <param name="run">The TaskRun (its bindings, pod template and overrides).</param>
    /// <param name="claimName">The claim name for a workspace bound with a volumeClaimTemplate.</param>
    /// <exception cref="TaskRunFailure">Something the sandbox needs is missing or not supported.</exception>
    public SandboxPlan Plan(TaskSpec spec, TaskRun run, Func<WorkspaceBinding, string> claimName)
    {
        var @namespace = run.Metadata.Namespace ?? "default";
        var volumes = ImmutableArray.CreateBuilder<SandboxVolume>();
        volumes.AddRange(InternalVolumes.All);
        var workspaceMounts = PlanWorkspaces(spec, run, claimName, volumes, @namespace);
        foreach (var declared in (ReadOnlySpan<ImmutableArray<Volume>>)[spec.Volumes, run.Spec.PodTemplate?.Volumes ?? []])
        {
            foreach (var volume in declared)
            {
                if (!Has(volumes, volume.Name))
                {
                    volumes.Add(new SandboxVolume(volume.Name, VolumeSource(volume, @namespace)));
                }
            }
        }

        var files = ImmutableArray.CreateBuilder<PlannedFile>(spec.Steps.Length + spec.Sidecars.Length);
        var steps = ImmutableArray.CreateBuilder<PlannedContainer>(spec.Steps.Length);
        for (var i = 0; i < spec.Steps.Length; i++)
        {
            var step = spec.Steps[i];
            var statusName = string.IsNullOrEmpty(step.Name) ? $"unnamed-{i}" : step.Name;
            var name = $"step-{statusName}";
            var mounts = StepMounts(step, i, workspaceMounts, volumes, name);
            var source = new ContainerSource(step.Image, step.ImagePullPolicy, step.Command, step.Args, step.WorkingDir, step.Env, step.EnvFrom, step.SecurityContext, Override(step.ComputeResources, StepOverride(run.Spec.StepSpecs, step.Name, static o => o.Name, static o => o.ComputeResources)), step.Script)
            {
                Step = step,
            };
            steps.Add(Container(name, statusName, i, source, mounts, "script", files, run, @namespace));
        }

        var sidecars = ImmutableArray.CreateBuilder<PlannedContainer>(spec.Sidecars.Length);
        for (var i = 0; i < spec.Sidecars.Length; i++)
        {
            var sidecar = spec.Sidecars[i];
            var statusName = string.IsNullOrEmpty(sidecar.Name) ? $"unnamed-{i}" : sidecar.Name;
            var name = $"sidecar-{statusName}";
            var mounts = SidecarMounts(sidecar, workspaceMounts, volumes, name);
            var source = new ContainerSource(sidecar.Image, sidecar.ImagePullPolicy, sidecar.Command, sidecar.Args, sidecar.WorkingDir, sidecar.Env, sidecar.EnvFrom, sidecar.SecurityContext, Override(sidecar.ComputeResources, StepOverride(run.Spec.SidecarSpecs, sidecar.Name, static o => o.Name, static o => o.ComputeResources)), sidecar.Script)
            {
                Sidecar = sidecar,
            };
            sidecars.Add(Container(name, statusName, i, source, mounts, "sidecar-script", files, run, @namespace));
        }

        var allVolumes = volumes.Count == InternalVolumes.All.Length ? InternalVolumes.All : volumes.ToImmutable();
        return WithCredentials(new SandboxPlan(allVolumes, files.ToImmutable(), steps.MoveToImmutable(), sidecars.MoveToImmutable()), run, @namespace);
    }

    private static ResourceRequirements? Override(ResourceRequirements? own, ResourceRequirements? over) => over ?? own;

    /// <summary>The resources a TaskRun's stepSpecs or sidecarSpecs give the container of that name, if any.</summary>
    private static ResourceRequirements? StepOverride<T>(ImmutableArray<T> overrides, string? name, Func<T, string> nameOf, Func<T, ResourceRequirements?> resourcesOf)
    {
        foreach (var over in overrides)
        {
            if (nameOf(over) == name)
            {
                return resourcesOf(over);
            }
        }

        return null;
    }

    /// <summary>Writes a script into the scripts volume under a name made from its content; returns the name.</summary>
    private static string Script(string containerName, string script, int index, string prefix, ImmutableArray<PlannedFile>.Builder files)
    {
        if (script.AsSpan().Trim().StartsWith("#!win", StringComparison.Ordinal))
        {
            throw new TaskRunFailure("CreateContainerConfigError", $"\"{containerName}\" has a Windows script (#!win); Sluice runs Linux containers only");
        }

        var (content, digest) = ScriptContents.Of(script);
        var file = $"{prefix}-{index}-{digest}";
        files.Add(new PlannedFile(InternalVolumes.Scripts, file, content, 0x1ED));
        return file;
    }

    private PlannedContainer Container(string name, string statusName, int index, ContainerSource source, List<Mount> mounts, string scriptPrefix, ImmutableArray<PlannedFile>.Builder files, TaskRun run, string @namespace)
    {
        var pod = run.Spec.PodTemplate;
        var security = source.Security;
        var podSecurity = pod?.SecurityContext;
        var uid = security?.RunAsUser ?? podSecurity?.RunAsUser;
        var gid = security?.RunAsGroup ?? podSecurity?.RunAsGroup;
        var user = uid is null ? (gid is null ? null : $"0:{gid}") : gid is null ? $"{uid}" : $"{uid}:{gid}";
        var cpu = source.Resources?.Limits.TryGetValue("cpu", out var c) == true ? Quantities.ParseNanoCpus(c) : null;
        var memory = source.Resources?.Limits.TryGetValue("memory", out var m) == true ? Quantities.ParseBytes(m) : null;
        var policy = source.PullPolicy switch
        {
            "Always" => ImagePullPolicy.Always,
            "Never" => ImagePullPolicy.Never,
            _ => ImagePullPolicy.IfNotPresent,
        };
        var env = ResolveEnv(pod?.Env ?? [], source.Env, source.EnvFrom, run, @namespace, name);
        var script = string.IsNullOrEmpty(source.Script) ? null : Script(name, source.Script, index, scriptPrefix, files);
        return new PlannedContainer
        {
            ContainerName = name,
            StatusName = statusName,
            Index = index,
            Image = source.Image ?? string.Empty,
            PullPolicy = policy,
            Command = script is null ? source.Command : [$"/tekton/scripts/{script}"],
            Args = source.Args,
            IsScript = script is not null,
            RunAsNonRoot = (security?.RunAsNonRoot ?? podSecurity?.RunAsNonRoot) == true && uid is null,
            Step = source.Step,
            Sidecar = source.Sidecar,
            Container = new ContainerSpec
            {
                Name = name,
                Env = env,
                WorkingDir = string.IsNullOrEmpty(source.WorkingDir) ? null : source.WorkingDir,
                User = user,
                Privileged = security?.Privileged == true,
                ReadOnlyRootFilesystem = security?.ReadOnlyRootFilesystem == true,
                CapAdd = security?.Capabilities?.Add ?? [],
                CapDrop = security?.Capabilities?.Drop ?? [],

                // The scripts volume is mounted after the others, whatever its depth, as it always was.
                Mounts = Order(mounts, script is null ? null : ScriptsMount),
                NanoCpus = cpu,
                MemoryBytes = memory,
            },
        };
    }

    private ImmutableArray<KeyValuePair<string, string>> ResolveEnv(ImmutableArray<EnvVar> podEnv, ImmutableArray<EnvVar> env, ImmutableArray<EnvFromSource> envFrom, TaskRun run, string @namespace, string container)
    {
        if (podEnv.IsEmpty && env.IsEmpty && envFrom.IsEmpty)
        {
            return [];
        }

        var result = new List<KeyValuePair<string, string>>();
        void Set(string key, string value)
        {
            var existing = result.FindIndex(kv => kv.Key == key);
            if (existing >= 0)
            {
                result[existing] = new(key, value);
            }
            else
            {
                result.Add(new(key, value));
            }
        }

        foreach (var source in envFrom)
        {
            var data = source.ConfigMapRef is { } cm
                ? ConfigMapData(cm.Name, cm.Optional == true, @namespace)
                : source.SecretRef is { } secret ? SecretData(secret.Name, secret.Optional == true, @namespace) : null;
            foreach (var (key, value) in data ?? [])
            {
                Set((source.Prefix ?? string.Empty) + key, Encoding.UTF8.GetString(value));
            }
        }

        void Define(EnvVar variable)
        {
            if (variable.ValueFrom is { } from)
            {
                if (ResolveValue(from, run, @namespace, container, variable.Name) is { } value)
                {
                    Set(variable.Name, value);
                }
            }
            else
            {
                Set(variable.Name, ExpandDependent(variable.Value ?? string.Empty, result));
            }
        }

        foreach (var variable in podEnv)
        {
            if (!env.Any(e => e.Name == variable.Name))
            {
                Define(variable);
            }
        }

        foreach (var variable in env)
        {
            Define(variable);
        }

        return [.. result];
    }

    private static string ExpandDependent(string value, List<KeyValuePair<string, string>> defined)
    {
        if (!value.Contains("$(", StringComparison.Ordinal))
        {
            return value;
        }

        var known = defined.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        return Variables.Apply(value.Replace("$$(", "\u0000(", StringComparison.Ordinal), known).Replace("\u0000(", "$(", StringComparison.Ordinal);
    }

    private string? ResolveValue(EnvVarSource from, TaskRun run, string @namespace, string container, string name)
    {
        if (from.ConfigMapKeyRef is { } cmKey)
        {
            var data = ConfigMapData(cmKey.Name, cmKey.Optional == true, @namespace);
            if (data is not null && data.TryGetValue(cmKey.Key, out var bytes))
            {
                return Encoding.UTF8.GetString(bytes);
            }

            return cmKey.Optional == true ? null : throw new TaskRunFailure("CreateContainerConfigError", $"couldn't find key {cmKey.Key} in ConfigMap {@namespace}/{cmKey.Name}");
        }

        if (from.SecretKeyRef is { } secretKey)
        {
            var data = SecretData(secretKey.Name, secretKey.Optional == true, @namespace);
            if (data is not null && data.TryGetValue(secretKey.Key, out var bytes))
            {
                return Encoding.UTF8.GetString(bytes);
            }

            return secretKey.Optional == true ? null : throw new TaskRunFailure("CreateContainerConfigError", $"couldn't find key {secretKey.Key} in Secret {@namespace}/{secretKey.Name}");
        }

        if (from.FieldRef is { } field)
        {
            return field.FieldPath switch
            {
                "metadata.name" => run.Status?.PodName ?? $"{run.Metadata.Name}-pod",
                "metadata.namespace" => @namespace,
                "metadata.uid" => run.Metadata.Uid ?? string.Empty,
                "spec.serviceAccountName" => run.Spec.ServiceAccountName ?? "default",
                "spec.nodeName" or "status.hostIP" => "localhost",
                "status.podIP" => "127.0.0.1",
                _ when field.FieldPath.StartsWith("metadata.labels['", StringComparison.Ordinal) => run.Metadata.Labels.GetValueOrDefault(field.FieldPath[17..^2], string.Empty),
                _ when field.FieldPath.StartsWith("metadata.annotations['", StringComparison.Ordinal) => run.Metadata.Annotations.GetValueOrDefault(field.FieldPath[22..^2], string.Empty),
                _ => throw new TaskRunFailure("CreateContainerConfigError", $"env \"{name}\" of \"{container}\": field path \"{field.FieldPath}\" is not supported"),
            };
        }

        throw new TaskRunFailure("CreateContainerConfigError", $"env \"{name}\" of \"{container}\": resourceFieldRef and fileKeyRef need a cluster");
    }

    internal ImmutableDictionary<string, byte[]>? ConfigMapData(string? name, bool optional, string @namespace)
    {
        if (resolver.FindConfigMap(name ?? string.Empty, @namespace) is not { } configMap)
        {
            return optional ? null : throw new TaskRunFailure("CreateContainerConfigError", $"configmap \"{name}\" not found: declare it in the files given to sluice");
        }

        var data = configMap.Data.ToImmutableDictionary(kv => kv.Key, kv => Encoding.UTF8.GetBytes(kv.Value), StringComparer.Ordinal);
        foreach (var (key, value) in configMap.BinaryData)
        {
            data = data.SetItem(key, Decode(value, $"configmap \"{name}\" key \"{key}\""));
        }

        return data;
    }

    internal ImmutableDictionary<string, byte[]>? SecretData(string? name, bool optional, string @namespace)
    {
        if (resolver.FindSecret(name ?? string.Empty, @namespace) is not { } secret)
        {
            return optional ? null : throw new TaskRunFailure("CreateContainerConfigError", $"secret \"{name}\" not found: declare it in the files given to sluice");
        }

        var data = secret.Data.ToImmutableDictionary(kv => kv.Key, kv => Decode(kv.Value, $"secret \"{name}\" key \"{kv.Key}\""), StringComparer.Ordinal);
        foreach (var (key, value) in secret.StringData)
        {
            data = data.SetItem(key, Encoding.UTF8.GetBytes(value));
        }

        return data;
    }

    private static byte[] Decode(string base64, string what)
    {
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new TaskRunFailure("CreateContainerConfigError", $"{what} is not valid base64");
        }
    }

    /// <summary>What a step and a sidecar both give a container.</summary>
    private readonly record struct ContainerSource(
        string? Image,
        string? PullPolicy,
        ImmutableArray<string> Command,
        ImmutableArray<string> Args,
        string? WorkingDir,
        ImmutableArray<EnvVar> Env,
        ImmutableArray<EnvFromSource> EnvFrom,
        SecurityContext? Security,
        ResourceRequirements? Resources,
        string? Script)
    {
        /// <summary>The step it comes from, for a step.</summary>
        public Step? Step { get; init; }

        /// <summary>The sidecar it comes from, for a sidecar.</summary>
        public Sidecar? Sidecar { get; init; }
    }
}
