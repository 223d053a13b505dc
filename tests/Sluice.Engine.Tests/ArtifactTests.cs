using Sluice.Engine.Tasks;
using Sluice.Engine.Tests.Harness;

namespace Sluice.Engine.Tests;

/// <summary>
/// Artifacts (alpha): apply.go (ApplyArtifacts: the paths), pkg/entrypoint/entrypointer.go
/// (applyStepArtifactSubstitutions, getArtifactValues: $(steps.s.inputs|outputs.name) at step start),
/// pkg/pod/status.go (step inputs/outputs, status.artifacts merged from the task and step files),
/// pkg/apis/pipeline/v1/artifact_types.go (Merge, the JSON shape), pipelinerun resources/apply.go
/// (PropagateArtifacts: $(tasks.t.outputs.name) and $(tasks.t.outputs)).
/// </summary>
public sealed class ArtifactTests
{
    private const string Produced = """{"inputs":[{"name":"source","values":[{"uri":"git+https://example.com/repo","digest":{"sha1":"abc"}}]}],"outputs":[{"name":"image","buildOutput":true,"values":[{"uri":"oci://registry/app?a=1&b=<2>","digest":{"sha256":"d2","md5":"d1"}}]},{"name":"empty"}]}""";

    [Fact]
    public async Task A_later_step_reads_an_earlier_steps_artifact_values_as_go_marshals_them()
    {
        var outcome = await new EngineRun().RunAsync($$"""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              taskSpec:
                steps:
                  - name: producer
                    image: alpine
                    script: write $(step.artifacts.path) {{Produced}}
                  - name: consumer
                    image: alpine
                    env:
                      - name: SOURCE
                        value: $(steps.producer.inputs.source)
                    script: |
                      echo $(steps.producer.outputs.image)
                      echo $(steps.producer.outputs.empty)
                  - name: argv
                    image: alpine
                    command: [echo]
                    args: ["$(steps.producer.outputs.image)", "$(steps.producer.outputs.missing)"]
            """);

        Expect.Condition(outcome.Condition, "True", "Succeeded");
        Assert.Equal(
            """
            [{"digest":{"md5":"d1","sha256":"d2"},"uri":"oci://registry/app?a=1\u0026b=\u003c2\u003e"}]
            null
            $(steps.producer.outputs.image) $(steps.producer.outputs.missing)

            """.Replace("\r\n", "\n", StringComparison.Ordinal),
            outcome.LogOf("tr"));
        var consumer = outcome.Steps.Single(s => s.Container == "step-consumer").Spec;
        Assert.Equal("""[{"digest":{"sha1":"abc"},"uri":"git+https://example.com/repo"}]""", consumer.Env.Single(e => e.Key == "SOURCE").Value);
    }

    [Fact]
    public async Task Step_and_task_provenance_files_become_step_outputs_and_merged_status_artifacts()
    {
        var outcome = await new EngineRun().RunAsync($$"""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              taskSpec:
                steps:
                  - name: task-level
                    image: alpine
                    script: write $(artifacts.path) {"outputs":[{"name":"image","values":[{"uri":"u1"}]}]}
                  - name: step-level
                    image: alpine
                    script: write $(step.artifacts.path) {{Produced}}
                  - name: overwrite
                    image: alpine
                    script: write $(artifacts.path) {"outputs":[{"name":"image","values":[{"uri":"u1"},{"uri":"u2"}]}]}
            """);

        Expect.Condition(outcome.Condition, "True", "Succeeded");
        var status = outcome.TaskRun.Status!;
        Assert.Null(status.Steps[0].Outputs);
        Assert.Equal(
            """[{"name":"image","values":[{"digest":{"md5":"d1","sha256":"d2"},"uri":"oci://registry/app?a=1&b=<2>"}],"buildOutput":true},{"name":"empty"}]""",
            status.Steps[1].Outputs!.ToJsonString(Compact));
        Assert.Equal("""[{"name":"source","values":[{"digest":{"sha1":"abc"},"uri":"git+https://example.com/repo"}]}]""", status.Steps[1].Inputs!.ToJsonString(Compact));
        Assert.Equal(
            """{"inputs":[{"name":"source","values":[{"digest":{"sha1":"abc"},"uri":"git+https://example.com/repo"}]}],"outputs":[{"name":"image","values":[{"uri":"u1"},{"digest":{"md5":"d1","sha256":"d2"},"uri":"oci://registry/app?a=1&b=<2>"},{"uri":"u2"}],"buildOutput":true},{"name":"empty"}]}""",
            status.Artifacts!.ToJsonString(Compact));
    }

    [Fact]
    public async Task A_later_pipeline_task_reads_a_finished_tasks_output_artifacts()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                tasks:
                  - name: produce
                    taskSpec:
                      steps:
                        - name: write
                          image: alpine
                          script: write $(artifacts.path) {"outputs":[{"name":"image","values":[{"uri":"pkg:a","digest":{"sha256":"x"}}]},{"name":"sbom"}],"inputs":[{"name":"src","values":[{"uri":"git:b"}]}]}
                  - name: consume
                    runAfter: [produce]
                    taskSpec:
                      steps:
                        - name: read
                          image: alpine
                          script: |
                            echo $(tasks.produce.outputs.image)
                            echo $(tasks.produce.outputs)
                            echo $(tasks.produce.outputs.sbom)
                            echo $(tasks.produce.inputs.src)
            """);

        Expect.Condition(outcome.Condition, "True", "Succeeded");
        Assert.Equal(
            """
            [{"digest":{"sha256":"x"},"uri":"pkg:a"}]
            [{"digest":{"sha256":"x"},"uri":"pkg:a"}]
            null
            [{"uri":"git:b"}]

            """.Replace("\r\n", "\n", StringComparison.Ordinal),
            outcome.LogOfTask("consume"));
    }

    [Fact]
    public void A_file_of_another_shape_is_not_read_and_field_names_match_in_any_case()
    {
        Assert.Null(Provenance.Parse("""{"outputs":{"name":"image"}}"""u8));
        Assert.Null(Provenance.Parse("""{"outputs":[{"name":"image","buildOutput":"true"}]}"""u8));
        Assert.Null(Provenance.Parse("not json"u8));
        var read = Provenance.Parse("""{"OUTPUTS":[{"Name":"image","Values":[{"URI":"u","Digest":{"sha256":"d"}}],"extra":1}]}"""u8)!;
        Assert.Equal("""[{"digest":{"sha256":"d"},"uri":"u"}]""", Provenance.Marshal(read.Outputs.Single()));
        Assert.Equal("[]", Provenance.Marshal(Provenance.Parse("""{"outputs":[{"name":"a","values":[]}]}"""u8)!.Outputs.Single()));
    }

    private static readonly System.Text.Json.JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
