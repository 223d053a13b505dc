using Sluice.Model.Diagnostics;
using Sluice.Model.Loading;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;

namespace Sluice.Model.Validation;

/// <summary>Runs the static checks that apply to one resource, as Tekton's admission webhook would.</summary>
public static class ResourceValidator
{
    /// <summary>Checks a resource; problems go to <paramref name="diagnostics"/>.</summary>
    public static void Validate(LoadedResource loaded, DiagnosticBag diagnostics)
    {
        var context = new ValidationContext(diagnostics, loaded.SourceMap, loaded.File) { Fallback = loaded.Location };
        var resource = loaded.Resource;
        ValidateMetadata(context, resource);
        switch (resource)
        {
            case TaskDefinition task:
                // Task.Validate: a Task created on its own gets no propagated params, so it declares all it uses.
                TaskValidator.Validate(context, task.Spec, "spec");
                TaskValidator.ValidateParameterUsage(context, task.Spec, task.Spec.Params, "spec");
                break;
            case PipelineDefinition pipeline:
                PipelineValidator.Validate(context, pipeline.Spec, "spec", standalone: true);
                break;
            case TaskRun taskRun:
                RunValidator.Validate(context, taskRun);
                break;
            case PipelineRun pipelineRun:
                RunValidator.Validate(context, pipelineRun);
                break;
            case StepActionDefinition stepAction:
                ValidateStepAction(context, stepAction);
                break;
        }
    }

    private static void ValidateMetadata(ValidationContext context, IResource resource)
    {
        var metadata = resource.Metadata;
        var isRun = resource is TaskRun or PipelineRun;
        var generatable = isRun || resource is Kubernetes.OtherResource;
        if (string.IsNullOrEmpty(metadata.Name))
        {
            if (string.IsNullOrEmpty(metadata.GenerateName) || !generatable)
            {
                context.Error(resource, "metadata", "metadata.name", isRun ? "name or generateName is required" : "name is required", isRun ? "add metadata.name or metadata.generateName" : "add metadata.name");
            }
            else if (isRun && !Names.IsDnsSubdomain(metadata.GenerateName + "abcde"))
            {
                context.Error(metadata, "generateName", "metadata.generateName", $"invalid resource name {GoQuote.Of(metadata.GenerateName)}: must be a valid DNS label", "use lowercase letters, digits and '-'");
            }

            return;
        }

        if (!Names.IsDnsSubdomain(metadata.Name))
        {
            context.Error(metadata, "name", "metadata.name", $"invalid resource name {GoQuote.Of(metadata.Name)}: must be a valid DNS label", "use lowercase letters, digits, '-' and '.'");
        }
        else if (metadata.Name.Length > 63 && resource is TaskDefinition or PipelineDefinition or TaskRun or PipelineRun)
        {
            context.Error(metadata, "name", "metadata.name", "Invalid resource name: length must be no more than 63 characters", $"shorten the name from {metadata.Name.Length} to at most 63 characters");
        }
    }

    private static void ValidateStepAction(ValidationContext context, StepActionDefinition stepAction)
    {
        var spec = stepAction.Spec;
        if (string.IsNullOrEmpty(spec.Image))
        {
            context.Missing(spec, "image", "spec.image", "give the StepAction an image");
        }

        if (!string.IsNullOrEmpty(spec.Script) && !spec.Command.IsEmpty)
        {
            context.Error(spec, "script", "spec.script", "script cannot be used with command", "put the command in the script, or drop the script");
        }

        TaskValidator.ValidateParams(context, spec.Params, spec, "spec.params");
        TaskValidator.ValidateResults(context, spec.Results, "spec.results");
    }
}
