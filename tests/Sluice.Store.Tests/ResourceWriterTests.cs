using System.Collections.Immutable;
using System.Reflection;
using System.Text.Json.Nodes;
using Sluice.Model;
using Sluice.Model.Diagnostics;
using Sluice.Model.Loading;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Writing;

namespace Sluice.Store.Tests;

/// <summary>
/// Writing resources in Tekton's field names: every Tekton example reads back the same from the JSON
/// and from the YAML written for it, and what is written is valid against Tekton's CRD schemas.
/// </summary>
public sealed class ResourceWriterTests
{
    // Examples with unnamed steps: Tekton's defaulting names them before storing, so as written they miss a required name.
    private static readonly HashSet<string> UnnamedSteps = ["pipelineruns/optional-workspaces.yaml"];

    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(ExamplesDirectory, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(ExamplesDirectory, file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void A_tekton_example_reads_back_the_same_from_its_json_and_its_yaml_and_is_valid_against_the_crds(string example)
    {
        var diagnostics = new DiagnosticBag();
        var resources = ResourceReader.ReadFile(Path.Combine(ExamplesDirectory, example), example, diagnostics);
        if (diagnostics.HasErrors)
        {
            // Examples Tekton itself refuses are covered by the validation tests.
            return;
        }

        foreach (var resource in resources.Select(r => r.Resource).Where(r => r.ApiVersion == "tekton.dev/v1"))
        {
            var json = JsonText.Write(resource);
            AssertWrittenAsTheTree(resource);
            Assert.Equal(json, JsonText.Write(ReadBack(json)));
            Assert.Equal(json, JsonText.Write(ReadBack(YamlText.Write(resource))));
            if (resource.Kind is "Task" or "Pipeline" or "TaskRun" or "PipelineRun" && !UnnamedSteps.Contains(example))
            {
                Assert.Empty(CrdSchemas.Validate(JsonNode.Parse(json)!));
            }
        }
    }

    [Fact]
    public void Empty_and_default_fields_are_left_out_as_go_omitempty_does_and_required_ones_kept()
    {
        var run = new TaskRun
        {
            Metadata = new() { Name = "t" },
            Status = new TaskRunStatus { Steps = [new StepState { Name = "s", Terminated = new ContainerTerminated { ExitCode = 0 } }] },
        };

        Assert.Equal(
            """{"apiVersion":"tekton.dev/v1","kind":"TaskRun","metadata":{"name":"t"},"spec":{},"status":{"podName":"","steps":[{"name":"s","terminated":{"exitCode":0}}]}}""",
            JsonText.Write(run));
    }

    [Fact]
    public void A_finished_run_with_every_kind_of_status_value_is_written_as_its_tree_is()
    {
        var spec = new PipelineSpec
        {
            Tasks =
            [
                new PipelineTask { Name = "build", TaskSpec = new EmbeddedTask { Task = new Model.Tasks.TaskSpec { Steps = [new Model.Tasks.Step { Name = "s", Image = "busybox", Script = "echo \"é 🚀\"\n" }] } }, Timeout = Duration.Parse("1m30s") },
                new PipelineTask { Name = "custom", TaskSpec = new EmbeddedTask { ApiVersion = "example.dev/v1", Kind = "Wait", Spec = JsonNode.Parse("""{"duration":"5s","nested":[1,2.5,null,{"x":true}]}""") } },
            ],
        };
        var run = new PipelineRun
        {
            Metadata = new() { Name = "p", Labels = ImmutableSortedDictionary<string, string>.Empty.Add("app", "shop") },
            Spec = new PipelineRunSpec { PipelineSpec = spec, Params = [new Param { Name = "list", Value = ParamValue.Of(["a", "b"]) }] },
            Status = new PipelineRunStatus
            {
                Conditions = [new Condition { Status = "True", Reason = "Succeeded", Message = "Tasks Completed: 2 (Failed: 0, Cancelled 0), Skipped: 0" }],
                StartTime = "2026-11-27T04:00:00Z",
                CompletionTime = "2026-11-27T04:00:09Z",
                ChildReferences = [new ChildStatusReference { ApiVersion = "tekton.dev/v1", Kind = "TaskRun", Name = "p-build", PipelineTaskName = "build" }],
                Results =
                [
                    new RunResult { Name = "s", Value = ParamValue.Of(string.Empty) },
                    new RunResult { Name = "a", Value = ParamValue.Of(["x", "y"]) },
                    new RunResult { Name = "o", Value = ParamValue.Of(ImmutableSortedDictionary<string, string>.Empty.Add("k", "v")) },
                ],
                PipelineSpec = spec,
                SkippedTasks = [new SkippedTask { Name = "later", Reason = "When Expressions evaluated to false" }],
            },
        };
        var taskRun = new TaskRun
        {
            Metadata = new() { Name = "p-build" },
            Status = new TaskRunStatus
            {
                Conditions = [new Condition { Status = "False", Reason = "Failed" }],
                Steps = [new StepState { Name = "s", Terminated = new ContainerTerminated { ExitCode = 1, Reason = "Error" } }],
                RetriesStatus = [new TaskRunStatus { PodName = string.Empty }],
                Artifacts = JsonNode.Parse("""{"outputs":[]}"""),
            },
        };
        var other = new Model.Kubernetes.OtherResource { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new() { Name = "c" }, Body = new JsonObject { ["data"] = new JsonObject { ["k"] = "v" } } };

        AssertWrittenAsTheTree(run);
        AssertWrittenAsTheTree(taskRun);
        AssertWrittenAsTheTree(other);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("yes")]
    [InlineData("0755")]
    [InlineData("1e3")]
    [InlineData("a: b")]
    [InlineData("- item")]
    [InlineData(" leading")]
    [InlineData("line one\nline two\n")]
    [InlineData("no trailing newline\nsecond")]
    [InlineData("trailing\n\n")]
    [InlineData("  indented first\nnext\n")]
    [InlineData("tab\tand \"quotes\" and \\")]
    [InlineData("emoji 🚀 and é")]
    [InlineData("")]
    [InlineData("#comment")]
    [InlineData("null")]
    [InlineData("\n")]
    [InlineData("\n\nafter blank lines\n")]
    public void Any_string_reads_back_as_itself_from_yaml(string value)
    {
        var run = new TaskRun { Metadata = new() { Name = "t" }, Spec = new TaskRunSpec { Params = [new Param { Name = "p", Value = ParamValue.Of(value) }] } };

        var read = (TaskRun)ReadBack(YamlText.Write(run));

        Assert.Equal(value, read.Spec.Params.Single().Value.StringValue);
    }

    /// <summary>
    /// The writer's text is the tree's, compact and indented (the store writes one, the commands show the
    /// other), and again when written a second time, from the text kept of a pipeline spec.
    /// </summary>
    private static void AssertWrittenAsTheTree(IResource resource)
    {
        var tree = JsonText.Write(ResourceWriter.ToJson(resource));
        Assert.Equal(tree, JsonText.Write(resource));
        Assert.Equal(tree, JsonText.Write(resource));
        Assert.Equal(JsonText.Write(ResourceWriter.ToJson(resource), indented: true), JsonText.Write(resource, indented: true));
    }

    private static IResource ReadBack(string text)
    {
        var diagnostics = new DiagnosticBag();
        var resources = ResourceReader.ReadText(text, "written", diagnostics);
        Assert.False(diagnostics.HasErrors, string.Join("\n", diagnostics.ToImmutable().Select(d => d.ToString())) + "\n" + text);
        return Assert.Single(resources).Resource;
    }

    private static string ExamplesDirectory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("SLUICE_CONFORMANCE_DIR");
            var root = typeof(ResourceWriterTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "RepositoryRoot").Value!;
            var v1 = Path.Combine(Path.GetFullPath(Path.Combine(root, string.IsNullOrEmpty(configured) ? Path.Combine("..", "shared", "conformance") : configured)), "tekton", "v1");
            return Directory.Exists(v1) ? v1 : throw new InvalidOperationException($"the Tekton examples are missing: {v1} does not exist; set SLUICE_CONFORMANCE_DIR");
        }
    }
}
