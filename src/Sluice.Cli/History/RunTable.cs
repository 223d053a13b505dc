using System.Text.Json.Nodes;
using Sluice.Model.Writing;
using Sluice.Store;

namespace Sluice.Cli.History;

/// <summary>
/// <c>sluice list</c>'s output: a table as <c>kubectl get pipelinerun</c> prints it (NAME, SUCCEEDED,
/// REASON, STARTTIME, COMPLETIONTIME as ages), wider with <c>-o wide</c>, or the stored resources as a
/// Kubernetes <c>List</c> in JSON or YAML.
/// </summary>
internal static class RunTable
{
    /// <summary>Writes the runs as a table; <paramref name="wide"/> adds the definition, duration and uid.</summary>
    public static void Write(TextWriter output, IReadOnlyList<RunSummary> runs, bool wide, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var table = wide
            ? new TextTable("NAME", "SUCCEEDED", "REASON", "STARTTIME", "COMPLETIONTIME", runs.FirstOrDefault()?.Kind == "TaskRun" ? "TASK" : "PIPELINE", "DURATION", "UID")
            : new TextTable("NAME", "SUCCEEDED", "REASON", "STARTTIME", "COMPLETIONTIME");
        foreach (var run in runs)
        {
            var started = run.Started is { } s ? Ages.Human(now - s) : string.Empty;
            var completed = run.Completed is { } c ? Ages.Human(now - c) : string.Empty;
            if (wide)
            {
                table.Add(run.Name, run.Succeeded, run.Reason, started, completed, run.DefinitionName ?? "(inline)", Ages.Duration(run.Started, run.Completed ?? (run.Started is null ? null : now)), run.Uid);
            }
            else
            {
                table.Add(run.Name, run.Succeeded, run.Reason, started, completed);
            }
        }

        table.Write(output);
    }

    /// <summary>Writes stored resources as a Kubernetes <c>List</c>, in JSON or YAML.</summary>
    public static void WriteList(TextWriter output, IReadOnlyList<string> resources, string format)
    {
        var list = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "List",
            ["items"] = new JsonArray([.. resources.Select(r => JsonNode.Parse(r))]),
            ["metadata"] = new JsonObject { ["resourceVersion"] = string.Empty },
        };
        output.Write(format == "yaml" ? YamlText.Write(list) : JsonText.Write(list, indented: true) + "\n");
    }
}
