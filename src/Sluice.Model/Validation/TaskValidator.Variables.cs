using System.Collections.Immutable;
using Sluice.Model.Diagnostics;
using Sluice.Model.Pipelines;
using Sluice.Model.Substitution;
using Sluice.Model.Tasks;

namespace Sluice.Model.Validation;

/// <summary>Variable references in steps: declared params, array and object usage, context and results.</summary>
public static partial class TaskValidator
{
    /// <summary>The fix for a reference with more than two dotted parts after its prefix.</summary>
    internal const string DottedReferenceFix = "refer to a param as $(params.name) or to an object key as $(params.name.key); quote a name with dots: $(params[\"a.b\"])";

    /// <summary>
    /// Tekton's ValidateUsageOfDeclaredParameters: every <c>$(params.x)</c> the steps use is declared, every
    /// object key they use is a declared property, no whole object is used, and object params declare their
    /// properties. Tekton reports these under the resource's <c>spec</c> (Task, TaskRun) or the pipeline task
    /// (<c>spec.tasks[i]</c>), not under <c>taskSpec</c>.
    /// </summary>
    /// <param name="context">Where to report.</param>
    /// <param name="spec">The spec whose steps use the params.</param>
    /// <param name="declared">Every param the steps may use: the spec's own and any propagated to it.</param>
    /// <param name="path">Where Tekton reports, such as <c>spec</c> or <c>spec.tasks[0]</c>.</param>
    public static void ValidateParameterUsage(ValidationContext context, TaskSpec spec, IReadOnlyCollection<ParamSpec> declared, string path) =>
        ValidateParameterUsage(context, spec, declared, path, declared, propagatedArrays: false);

    /// <summary>As the public overload, for a TaskRun's inline spec (validateInlineParameters).</summary>
    /// <param name="context">Where to report.</param>
    /// <param name="spec">The spec whose steps use the params.</param>
    /// <param name="declared">The spec's params merged with the run's.</param>
    /// <param name="path">Where Tekton reports.</param>
    /// <param name="written">The declarations the YAML wrote; ones made from a run's values always have their properties.</param>
    /// <param name="propagatedArrays">
    /// Whether arrays the spec does not declare itself are checked too, as ValidateParameterVariables does
    /// over a TaskRun's merged params.
    /// </param>
    internal static void ValidateParameterUsage(ValidationContext context, TaskSpec spec, IReadOnlyCollection<ParamSpec> declared, string path, IEnumerable<ParamSpec> written, bool propagatedArrays)
    {
        ValidateVariables(context, spec, path, "params", declared.Select(p => p.Name).ToImmutableHashSet(StringComparer.Ordinal));
        foreach (var param in declared.Where(p => p.Type == ParamType.Object))
        {
            ValidateVariables(context, spec, path, "params\\." + System.Text.RegularExpressions.Regex.Escape(param.Name), param.Properties.Keys.ToImmutableHashSet(StringComparer.Ordinal));
        }

        // The spec's own arrays and objects are checked with the spec (Validate); only others are new here.
        var own = spec.Params.Select(p => (p.Name, p.Type)).ToHashSet();
        var arrays = propagatedArrays
            ? declared.Where(p => p.Type == ParamType.Array && !own.Contains((p.Name, ParamType.Array))).Select(p => p.Name).ToImmutableHashSet(StringComparer.Ordinal)
            : [];
        var objects = declared.Where(p => p.Type == ParamType.Object && !own.Contains((p.Name, ParamType.Object))).Select(p => p.Name).ToImmutableHashSet(StringComparer.Ordinal);
        ValidateArrayUsage(context, spec, path, arrays, objects);
        ValidateObjectProperties(context, written, path);
    }

    /// <summary>
    /// Whole arrays only as their own command or args item (validateArrayUsage) and whole objects nowhere
    /// (validateObjectUsageAsWhole).
    /// </summary>
    private static void ValidateArrayUsage(ValidationContext context, TaskSpec spec, string path, ImmutableHashSet<string> arrays, ImmutableHashSet<string> objects)
    {
        if (arrays.IsEmpty && objects.IsEmpty)
        {
            return;
        }

        for (var i = 0; i < spec.Steps.Length; i++)
        {
            var step = spec.Steps[i];
            var stepPath = ValidationContext.Join(path, "steps", i);
            foreach (var (field, value) in ProhibitedFields(step))
            {
                CheckProhibited(context, step, field, $"{stepPath}.{field}", value, arrays, whole: false);
                CheckProhibited(context, step, field, $"{stepPath}.{field}", value, objects, whole: true);
            }

            for (var c = 0; c < step.Command.Length; c++)
            {
                CheckIsolated(context, step, "command", $"{stepPath}.command[{c}]", step.Command[c], arrays, c);
                CheckProhibited(context, step, "command", $"{stepPath}.command[{c}]", step.Command[c], objects, whole: true);
            }

            for (var a = 0; a < step.Args.Length; a++)
            {
                CheckIsolated(context, step, "args", $"{stepPath}.args[{a}]", step.Args[a], arrays, a);
                CheckProhibited(context, step, "args", $"{stepPath}.args[{a}]", step.Args[a], objects, whole: true);
            }
        }
    }

    private static IEnumerable<(string Field, string? Value)> ProhibitedFields(Step step)
    {
        yield return ("name", step.Name);
        yield return ("image", step.Image);
        yield return ("workingDir", step.WorkingDir);
        yield return ("script", step.Script);
        foreach (var env in step.Env)
        {
            yield return ("env", env.Value);
        }

        foreach (var mount in step.VolumeMounts)
        {
            yield return ("volumeMounts", mount.Name);
            yield return ("volumeMounts", mount.MountPath);
            yield return ("volumeMounts", mount.SubPath);
        }
    }

    private static void CheckProhibited(ValidationContext context, object owner, string field, string path, string? value, ImmutableHashSet<string> names, bool whole)
    {
        var found = Variables.Extract(value, "params");
        if (!found.Present || names.IsEmpty)
        {
            return;
        }

        if (found.Error is not null)
        {
            context.Error(owner, field, path, found.Error, DottedReferenceFix);
            return;
        }

        var candidates = whole ? found.WholeNames : found.Names.Where(n => !n.EndsWith(']') || n.EndsWith("[*]", StringComparison.Ordinal)).ToImmutableArray();
        if (candidates.Any(n => names.Contains(n.EndsWith("[*]", StringComparison.Ordinal) ? n[..^3] : n)))
        {
            context.Error(owner, field, path, $"variable type invalid in {GoQuote.Of(value)}", whole ? "use one key of the object, $(params.name.key)" : "use one item, $(params.name[0]), or pass the array in args or command on its own");
        }
    }

    private static void CheckIsolated(ValidationContext context, object owner, string field, string path, string value, ImmutableHashSet<string> arrays, int index)
    {
        var found = Variables.Extract(value, "params");
        if (!found.Present || arrays.IsEmpty)
        {
            return;
        }

        if (found.Error is not null)
        {
            context.Error(owner, field, path, found.Error, DottedReferenceFix, index);
            return;
        }

        foreach (var name in found.Names)
        {
            var bare = name.EndsWith("[*]", StringComparison.Ordinal) ? name[..^3] : name;
            if (arrays.Contains(bare) && value.Length != found.FirstMatch!.Length)
            {
                context.Error(owner, field, path, $"variable is not properly isolated in {GoQuote.Of(value)}", "give the array reference as its own item of the list", index);
                return;
            }
        }
    }

    private static void ValidateVariables(ValidationContext context, TaskSpec spec, string path, string prefix, ImmutableHashSet<string> known)
    {
        for (var i = 0; i < spec.Steps.Length; i++)
        {
            var step = spec.Steps[i];
            var stepPath = ValidationContext.Join(path, "steps", i);
            CheckUnknown(context, step, "name", $"{stepPath}.name", step.Name, prefix, known);
            CheckUnknown(context, step, "image", $"{stepPath}.image", step.Image, prefix, known);
            CheckUnknown(context, step, "workingDir", $"{stepPath}.workingDir", step.WorkingDir, prefix, known);
            CheckUnknown(context, step, "script", $"{stepPath}.script", step.Script, prefix, known);
            CheckUnknown(context, step, "onError", $"{stepPath}.onError", step.OnError, prefix, known);
            for (var c = 0; c < step.Command.Length; c++)
            {
                CheckUnknown(context, step, "command", $"{stepPath}.command[{c}]", step.Command[c], prefix, known, c);
            }

            for (var a = 0; a < step.Args.Length; a++)
            {
                CheckUnknown(context, step, "args", $"{stepPath}.args[{a}]", step.Args[a], prefix, known, a);
            }

            foreach (var env in step.Env)
            {
                CheckUnknown(context, env, "value", $"{stepPath}.env[{env.Name}]", env.Value, prefix, known);
            }

            for (var m = 0; m < step.VolumeMounts.Length; m++)
            {
                var mount = step.VolumeMounts[m];
                CheckUnknown(context, mount, "name", $"{stepPath}.volumeMount[{m}].name", mount.Name, prefix, known);
                CheckUnknown(context, mount, "mountPath", $"{stepPath}.volumeMount[{m}].MountPath", mount.MountPath, prefix, known);
                CheckUnknown(context, mount, "subPath", $"{stepPath}.volumeMount[{m}].SubPath", mount.SubPath, prefix, known);
            }
        }
    }

    private static void ValidateResultVariables(ValidationContext context, TaskSpec spec, string path)
    {
        var declared = spec.Results.Select(r => r.Name).ToImmutableHashSet(StringComparer.Ordinal);
        for (var i = 0; i < spec.Steps.Length; i++)
        {
            CheckUnknown(context, spec.Steps[i], "script", $"{ValidationContext.Join(path, "steps", i)}.script", spec.Steps[i].Script, "results", declared);
        }
    }

    private static void CheckUnknown(ValidationContext context, object owner, string field, string path, string? value, string prefix, ImmutableHashSet<string> known, int? index = null)
    {
        var found = Variables.Extract(value, prefix);
        if (!found.Present)
        {
            return;
        }

        if (found.Error is not null)
        {
            context.Error(owner, field, path, found.Error, DottedReferenceFix, index);
            return;
        }

        foreach (var name in found.Names)
        {
            var bare = Variables.TrimIndex(name);
            if (!known.Contains(bare))
            {
                var shown = prefix.Replace("\\", string.Empty, StringComparison.Ordinal);
                var closest = Binding.NodeBinder.Closest(bare, known);
                var fix = closest is not null
                    ? $"did you mean $({shown}.{closest})?"
                    : $"declare {shown}.{bare}, or fix the reference";
                context.Error(owner, field, path, $"non-existent variable `{bare}` in {GoQuote.Of(value)}", fix, index);
                return;
            }
        }
    }

}
