using System.Collections.Immutable;
using System.Text;
using Sluice.Engine.Execution;
using Sluice.Model.Kubernetes;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;
using Sluice.Model.Substitution;

namespace Sluice.Engine.Tasks;

/// <summary>
/// Turns a resolved, substituted Task spec and its TaskRun into a sandbox plan, following Tekton's pod
/// construction (pkg/pod/pod.go, script.go, workspace/apply.go): internal volumes, workspaces (isolated
/// when a step names them), user volumes, scripts, env, users and limits.
/// </summary>
/// <param name="resolver">Where ConfigMaps and Secrets come from.</param>
public sealed partial class SandboxPlanner(ITaskResolver resolver)
{
    private const string ScriptPreamble = "#!/bin/sh\nset -e\n";

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
        foreach (var volume in spec.Volumes.Concat(run.Spec.PodTemplate?.Volumes ?? []))
        {
            if (volumes.Any(v => v.Name == volume.Name))
            {
                continue;
            }

            volumes.Add(new SandboxVolume(volume.Name, VolumeSource(volume, @namespace)));
        }

        var files = ImmutableArray.CreateBuilder<PlannedFile>();
        var steps = ImmutableArray.CreateBuilder<PlannedContainer>();
        for (var i = 0; i < spec.Steps.Length; i++)
        {
            var step = spec.Steps[i];
            var statusName = string.IsNullOrEmpty(step.Name) ? $"unnamed-{i}" : step.Name;
            var name = $"step-{statusName}";
            var mounts = StepMounts(step, i, statusName, spec.Steps.Length, workspaceMounts, volumes, name);
            var planned = Container(name, statusName, i, step.Image, step.ImagePullPolicy, step.Command, step.Args, step.WorkingDir, step.Env, step.EnvFrom, step.SecurityContext, Override(step.ComputeResources, run.Spec.StepSpecs.FirstOrDefault(s => s.Name == step.Name)?.ComputeResources), mounts, run, @namespace);
            if (!string.IsNullOrEmpty(step.Script))
            {
                planned = WithScript(planned, step.Script, $"script-{i}", files);
            }

            steps.Add(planned with { Step = step });
        }

        var sidecars = ImmutableArray.CreateBuilder<PlannedContainer>();
        for (var i = 0; i < spec.Sidecars.Length; i++)
        {
            var sidecar = spec.Sidecars[i];
            var statusName = string.IsNullOrEmpty(sidecar.Name) ? $"unnamed-{i}" : sidecar.Name;
            var name = $"sidecar-{statusName}";
            var mounts = SidecarMounts(sidecar, workspaceMounts, volumes, name);
            var planned = Container(name, statusName, i, sidecar.Image, sidecar.ImagePullPolicy, sidecar.Command, sidecar.Args, sidecar.WorkingDir, sidecar.Env, sidecar.EnvFrom, sidecar.SecurityContext, Override(sidecar.ComputeResources, run.Spec.SidecarSpecs.FirstOrDefault(s => s.Name == sidecar.Name)?.ComputeResources), mounts, run, @namespace);
            if (!string.IsNullOrEmpty(sidecar.Script))
            {
                planned = WithScript(planned, sidecar.Script, $"sidecar-script-{i}", files);
            }

            sidecars.Add(planned with { Sidecar = sidecar });
        }

        return new SandboxPlan(volumes.ToImmutable(), files.ToImmutable(), steps.ToImmutable(), sidecars.ToImmutable());
    }

    private static ResourceRequirements? Override(ResourceRequirements? own, ResourceRequirements? over) => over ?? own;

    private static PlannedContainer WithScript(PlannedContainer container, string script, string fileName, ImmutableArray<PlannedFile>.Builder files)
    {
        var cleaned = script.Trim();
        if (cleaned.StartsWith("#!win", StringComparison.Ordinal))
        {
            throw new TaskRunFailure("CreateContainerConfigError", $"\"{container.ContainerName}\" has a Windows script (#!win); Sluice runs Linux containers only");
        }

        var content = cleaned.StartsWith("#!", StringComparison.Ordinal) ? script : ScriptPreamble + script;
        var file = $"{fileName}-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(content)))[..5]}";
        files.Add(new PlannedFile(InternalVolumes.Scripts, file, Encoding.UTF8.GetBytes(content), 0x1ED));
        return container with
        {
            Command = [$"/tekton/scripts/{file}"],
            IsScript = true,
            Container = container.Container with { Mounts = container.Container.Mounts.Add(new Mount(InternalVolumes.Scripts, "/tekton/scripts", ReadOnly: true)) },
        };
    }

    private PlannedContainer Container(
        string name,
        string statusName,
        int index,
        string? image,
        string? pullPolicy,
        ImmutableArray<string> command,
        ImmutableArray<string> args,
        string? workingDir,
        ImmutableArray<EnvVar> env,
        ImmutableArray<EnvFromSource> envFrom,
        SecurityContext? security,
        ResourceRequirements? resources,
        ImmutableArray<Mount> mounts,
        TaskRun run,
        string @namespace)
    {
        var pod = run.Spec.PodTemplate;
        var podSecurity = pod?.SecurityContext;
        var uid = security?.RunAsUser ?? podSecurity?.RunAsUser;
        var gid = security?.RunAsGroup ?? podSecurity?.RunAsGroup;
        var user = uid is null ? (gid is null ? null : $"0:{gid}") : gid is null ? $"{uid}" : $"{uid}:{gid}";
        var cpu = resources?.Limits.TryGetValue("cpu", out var c) == true ? Quantities.ParseNanoCpus(c) : null;
        var memory = resources?.Limits.TryGetValue("memory", out var m) == true ? Quantities.ParseBytes(m) : null;
        var policy = pullPolicy switch
        {
            "Always" => ImagePullPolicy.Always,
            "Never" => ImagePullPolicy.Never,
            _ => ImagePullPolicy.IfNotPresent,
        };
        return new PlannedContainer
        {
            ContainerName = name,
            StatusName = statusName,
            Index = index,
            Image = image ?? string.Empty,
            PullPolicy = policy,
            Command = command,
            Args = args,
            RunAsNonRoot = (security?.RunAsNonRoot ?? podSecurity?.RunAsNonRoot) == true && uid is null,
            Container = new ContainerSpec
            {
                Name = name,
                Env = ResolveEnv(pod?.Env ?? [], env, envFrom, run, @namespace, name),
                WorkingDir = string.IsNullOrEmpty(workingDir) ? null : workingDir,
                User = user,
                Privileged = security?.Privileged == true,
                ReadOnlyRootFilesystem = security?.ReadOnlyRootFilesystem == true,
                CapAdd = security?.Capabilities?.Add ?? [],
                CapDrop = security?.Capabilities?.Drop ?? [],
                Mounts = mounts,
                NanoCpus = cpu,
                MemoryBytes = memory,
            },
        };
    }

    private ImmutableArray<KeyValuePair<string, string>> ResolveEnv(ImmutableArray<EnvVar> podEnv, ImmutableArray<EnvVar> env, ImmutableArray<EnvFromSource> envFrom, TaskRun run, string @namespace, string container)
    {
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

        foreach (var variable in podEnv.Where(p => !env.Any(e => e.Name == p.Name)).Concat(env))
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
}
