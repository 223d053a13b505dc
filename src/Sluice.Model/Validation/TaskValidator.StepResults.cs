using System.Text.RegularExpressions;
using Sluice.Model.Tasks;

namespace Sluice.Model.Validation;

/// <summary>Where a step may use another step's results (validateStepResultReference in Tekton's container_validation.go).</summary>
public static partial class TaskValidator
{
    private const string StepResultMessage = "stepResult substitutions are only allowed in env, command and args. Found usage in";
    private const string StepResultFix = "pass the result in through env (name: X, value: $(steps.<step>.results.<result>)) and use $X, or put it in command or args";

    /// <summary>A step result reference <c>$(steps.&lt;step&gt;.results.&lt;result&gt;)</c> only in env, command and args.</summary>
    private static void ValidateStepResultReferences(ValidationContext context, Step step, string stepPath)
    {
        Check(step, "name", "name", step.Name);
        Check(step, "image", "image", step.Image);
        Check(step, "script", "script", step.Script);
        Check(step, "imagePullPolicy", "imagePullPolicy", step.ImagePullPolicy);
        Check(step, "workingDir", "workingDir", step.WorkingDir);
        foreach (var source in step.EnvFrom)
        {
            Check(source, "prefix", "envFrom.prefix", source.Prefix);
            Check(source.ConfigMapRef, "name", "envFrom.configMapRef", source.ConfigMapRef?.Name);
            Check(source.SecretRef, "name", "envFrom.secretRef", source.SecretRef?.Name);
        }

        foreach (var mount in step.VolumeMounts)
        {
            Check(mount, "name", "volumeMounts.name", mount.Name);
            Check(mount, "mountPath", "volumeMounts.mountPath", mount.MountPath);
            Check(mount, "subPath", "volumeMounts.subPath", mount.SubPath);
        }

        foreach (var device in step.VolumeDevices)
        {
            Check(device, "name", "volumeDevices.name", device.Name);
            Check(device, "devicePath", "volumeDevices.devicePath", device.DevicePath);
        }

        void Check(object? owner, string field, string path, string? value)
        {
            if (!string.IsNullOrEmpty(value) && StepResultReference().IsMatch(value))
            {
                context.Error(owner, field, $"{stepPath}.{path}", StepResultMessage, StepResultFix);
            }
        }
    }

    [GeneratedRegex(@"\$\(steps\..*?\.results\..*?\)", RegexOptions.CultureInvariant)]
    private static partial Regex StepResultReference();
}
