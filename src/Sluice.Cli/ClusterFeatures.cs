using Sluice.Model;
using Sluice.Model.Diagnostics;
using Sluice.Model.Loading;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;

namespace Sluice.Cli;

/// <summary>
/// Finds what a run needs that only a Kubernetes cluster provides, so <c>sluice run</c> can refuse it
/// up front with one sentence naming the feature instead of failing half-way.
/// </summary>
public static class ClusterFeatures
{
    /// <summary>One diagnostic per cluster-only feature the run uses.</summary>
    public static IEnumerable<Diagnostic> Refusals(LoadedResource run, ResourceSet resources)
    {
        foreach (var other in resources.Resources.Where(r => r.Resource is Model.Kubernetes.OtherResource && r.File == run.File))
        {
            var kind = other.Resource.Kind;
            var feature = kind switch
            {
                "LimitRange" => "a LimitRange (namespace default resource limits) is applied by a cluster's admission control",
                "SecretProviderClass" => "a SecretProviderClass is served by a cluster's CSI secrets driver",
                "ClusterRoleBinding" or "RoleBinding" or "ClusterRole" or "Role" => $"a {kind} grants rights in a cluster's role-based access control, which a run here neither has nor needs",
                _ => null,
            };
            if (feature is not null)
            {
                yield return Refuse(other, "kind", $"refused: {feature}; Sluice runs Tekton locally without one", "remove the object, or run this file on a cluster");
            }
        }

        foreach (var (podTemplate, path) in PodTemplates(run.Resource))
        {
            if (podTemplate.NodeSelector.Any(kv => kv.Value == "windows") || podTemplate.Affinity?.ToJsonString().Contains("windows", StringComparison.Ordinal) == true)
            {
                yield return Refuse(run, "spec", $"refused: {path} schedules onto a Windows node; Sluice runs Linux containers", "remove the Windows node selector or affinity");
            }
        }

        foreach (var (binding, path) in Bindings(run.Resource))
        {
            if (binding.Csi is not null)
            {
                yield return Refuse(run, "spec", $"refused: workspace \"{binding.Name}\" ({path}) is a CSI volume, which needs a cluster's CSI driver", "bind it to emptyDir, a persistentVolumeClaim, a configMap or a secret");
            }
        }

        foreach (var spec in TaskSpecs(run.Resource, resources))
        {
            foreach (var volume in spec.Volumes.Where(v => v.GitRepo is not null || v.Csi is not null || v.Nfs is not null))
            {
                yield return Refuse(run, "spec", $"refused: volume \"{volume.Name}\" is a {(volume.GitRepo is not null ? "gitRepo" : volume.Csi is not null ? "CSI" : "NFS")} volume, which needs a cluster", "clone or fetch into a workspace in a step instead");
            }

            foreach (var step in spec.Steps.Where(s => s.Image?.Contains("windows", StringComparison.OrdinalIgnoreCase) == true || s.Script?.TrimStart().StartsWith("#!win", StringComparison.Ordinal) == true))
            {
                yield return Refuse(run, "spec", $"refused: step \"{step.Name}\" needs a Windows node ({step.Image}); Sluice runs Linux containers", "use a Linux image");
            }
        }
    }

    private static Diagnostic Refuse(LoadedResource resource, string field, string message, string fix) =>
        new(resource.SourceMap.Locate(resource.Resource, field) is { IsKnown: true } location ? location : resource.Location, field, message, fix);

    private static IEnumerable<(PodTemplate Template, string Path)> PodTemplates(IResource run)
    {
        switch (run)
        {
            case TaskRun { Spec.PodTemplate: { } template }:
                yield return (template, "spec.podTemplate");
                break;
            case PipelineRun pipelineRun:
                if (pipelineRun.Spec.TaskRunTemplate?.PodTemplate is { } shared)
                {
                    yield return (shared, "spec.taskRunTemplate.podTemplate");
                }

                foreach (var taskRunSpec in pipelineRun.Spec.TaskRunSpecs.Where(s => s.PodTemplate is not null))
                {
                    yield return (taskRunSpec.PodTemplate!, $"spec.taskRunSpecs[{taskRunSpec.PipelineTaskName}].podTemplate");
                }

                break;
        }
    }

    private static IEnumerable<(WorkspaceBinding Binding, string Path)> Bindings(IResource run) => run switch
    {
        TaskRun t => t.Spec.Workspaces.Select(w => (w, "spec.workspaces")),
        PipelineRun p => p.Spec.Workspaces.Select(w => (w, "spec.workspaces")),
        _ => [],
    };

    private static IEnumerable<TaskSpec> TaskSpecs(IResource run, ResourceSet resources)
    {
        switch (run)
        {
            case TaskRun { Spec.TaskSpec: { } inline }:
                yield return inline;
                break;
            case TaskRun { Spec.TaskRef.Name: { } name } when resources.FindTask(name)?.Resource is TaskDefinition task:
                yield return task.Spec;
                break;
            case PipelineRun pipelineRun:
                var pipeline = pipelineRun.Spec.PipelineSpec ?? (resources.FindPipeline(pipelineRun.Spec.PipelineRef?.Name ?? string.Empty)?.Resource as PipelineDefinition)?.Spec;
                foreach (var task in pipeline?.Tasks.Concat(pipeline.Finally) ?? [])
                {
                    if (task.TaskSpec is { } embedded)
                    {
                        yield return embedded.Task;
                    }
                    else if (task.TaskRef?.Name is { } taskName && resources.FindTask(taskName)?.Resource is TaskDefinition referenced)
                    {
                        yield return referenced.Spec;
                    }
                }

                break;
        }
    }
}
