using System.Collections.Immutable;
using Sluice.Model.Diagnostics;
using Sluice.Model.Pipelines;
using Sluice.Model.Substitution;
using Sluice.Model.Tasks;

namespace Sluice.Sdk;

/// <summary>Starting from YAML, and the checks of result references that need the referenced Tasks.</summary>
public sealed partial class PipelineBuilder
{
    /// <summary>
    /// A builder that starts from a Pipeline read from YAML text, to add tasks or change params in code. Tasks
    /// defined in the same text are known, so references to their results are checked.
    /// </summary>
    /// <param name="yaml">YAML holding exactly one Pipeline, and any of the Tasks it refers to.</param>
    /// <param name="file">The name diagnostics give the text.</param>
    /// <exception cref="ResourceValidationException">The YAML cannot be read, is not valid, or holds no single Pipeline.</exception>
    public static PipelineBuilder FromYaml(string yaml, string file = "<yaml>")
    {
        var import = YamlImport.Read(yaml, file);
        var pipeline = import.Single<PipelineDefinition>(file, "Pipeline");
        var tasks = import.Resources.OfType<TaskDefinition>()
            .Where(t => t.Metadata.Name is not null)
            .DistinctBy(t => t.Metadata.Name)
            .ToDictionary(t => t.Metadata.Name!, StringComparer.Ordinal);
        var builder = new PipelineBuilder(pipeline.Metadata, pipeline.Spec);
        builder._tasks.AddRange(pipeline.Spec.Tasks.Select(t => new PipelineTaskBuilder(t, false, KnownResults(t, tasks))));
        builder._finally.AddRange(pipeline.Spec.Finally.Select(t => new PipelineTaskBuilder(t, true, KnownResults(t, tasks))));
        return builder;
    }

    /// <summary>A builder that starts from a Pipeline read from a YAML file.</summary>
    /// <param name="path">The file, holding one Pipeline and any of the Tasks it refers to.</param>
    /// <exception cref="ResourceValidationException">The file cannot be read, is not valid, or holds no single Pipeline.</exception>
    public static PipelineBuilder FromFile(string path) => FromYaml(File.ReadAllText(path), path);

    private protected override void Check(PipelineDefinition resource, DiagnosticBag diagnostics)
    {
        CheckTaskReferences(_tasks, "spec.tasks", diagnostics);
        CheckTaskReferences(_finally, "spec.finally", diagnostics);
        var results = resource.Spec.Results;
        for (var i = 0; i < results.Length; i++)
        {
            foreach (var reference in results[i].Value.Expressions().Select(ResultReference.ParseTask).OfType<ResultReference>())
            {
                var owners = reference.Scope == "finally" ? _finally : _tasks;
                if (owners.FirstOrDefault(t => t.Name == reference.Owner)?.MissingResult(reference.Result) is { } error)
                {
                    diagnostics.Add(SourceLocation.None, $"spec.results[{i}].value", $"invalid pipeline result \"{results[i].Name}\": {error}", "refer to a result the Task declares, or declare it in the Task");
                }
            }
        }
    }

    private static ImmutableArray<TaskResult>? KnownResults(PipelineTask task, Dictionary<string, TaskDefinition> tasks) => task switch
    {
        { TaskSpec: { Kind: null } spec } => spec.Task.Results,
        { TaskRef: { Name: { } name, Kind: null or "Task", Resolver: null } } when tasks.TryGetValue(name, out var definition) => definition.Spec.Results,
        _ => null,
    };

    private void CheckTaskReferences(List<PipelineTaskBuilder> list, string path, DiagnosticBag diagnostics)
    {
        for (var i = 0; i < list.Count; i++)
        {
            foreach (var reference in list[i].Task.ResultReferences().Where(r => r.Scope == "tasks"))
            {
                if (_tasks.FirstOrDefault(t => t.Name == reference.Owner)?.MissingResult(reference.Result) is { } error)
                {
                    diagnostics.Add(SourceLocation.None, $"{path}[{i}]", $"invalid result reference in pipeline task \"{list[i].Name}\": {error}", "refer to a result the Task declares, or declare it in the Task");
                }
            }
        }
    }
}
