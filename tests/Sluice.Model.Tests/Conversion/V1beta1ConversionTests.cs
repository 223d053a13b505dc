using System.Text.Json.Nodes;
using Sluice.Model.Pipelines;
using Sluice.Model.Tasks;
using Sluice.Model.Tests.Support;

namespace Sluice.Model.Tests.Conversion;

/// <summary>
/// tekton.dev/v1beta1 Tasks and Pipelines are read as Tekton's conversion webhook writes them in v1
/// (<c>pkg/apis/pipeline/v1beta1/task_conversion.go</c>, <c>pipeline_conversion.go</c>,
/// <c>container_conversion.go</c>), and every message still points into the file as written.
/// </summary>
public sealed partial class V1beta1ConversionTests
{
    private const string DeprecationsAnnotation = "tekton.dev/v1beta1.task-deprecations";

    [Fact]
    public void A_v1beta1_Task_binds_as_v1_with_step_resources_as_computeResources()
    {
        var loaded = Loaded.Validate(Beta("Task", "t", """
            params:
              - name: who
                default: world
            stepTemplate:
              resources:
                requests: {cpu: 100m}
            steps:
              - name: hello
                image: busybox
                resources:
                  limits: {memory: 64Mi}
                script: echo hello $(params.who)
            sidecars:
              - name: side
                image: busybox
                resources:
                  requests: {memory: 8Mi}
            """));

        loaded.Clean();
        var task = loaded.Single<TaskDefinition>();
        Assert.Equal("tekton.dev/v1", task.ApiVersion);
        Assert.Equal("64Mi", Assert.Single(task.Spec.Steps).ComputeResources!.Limits["memory"]);
        Assert.Equal("100m", task.Spec.StepTemplate!.ComputeResources!.Requests["cpu"]);
        Assert.Equal("8Mi", Assert.Single(task.Spec.Sidecars).ComputeResources!.Requests["memory"]);
        Assert.False(task.Metadata.Annotations.ContainsKey(DeprecationsAnnotation));
    }

    [Fact]
    public void A_v1beta1_Task_with_PipelineResources_is_refused_at_resources_with_a_fix()
    {
        var loaded = Loaded.Read(Beta("Task", "t", """
            resources:
              inputs:
                - name: source
                  type: git
            steps:
              - name: build
                image: busybox
                script: echo hi
            """));

        var diagnostic = loaded.Expect("must not set the field(s)", "spec.resources");
        loaded.At(diagnostic, "resources:");
        Assert.Contains("workspaces", diagnostic.Fix, StringComparison.Ordinal);
        Assert.Single(loaded.Diagnostics);
    }

    [Fact]
    public void Empty_PipelineResources_are_accepted_as_Tekton_accepts_them()
    {
        var loaded = Loaded.Validate(Beta("Pipeline", "p", """
            resources: []
            tasks:
              - name: a
                resources: null
                taskSpec:
                  resources: null
                  steps:
                    - name: s
                      image: busybox
                      script: echo
            """));

        loaded.Clean();
        Assert.Equal("a", Assert.Single(loaded.Single<PipelineDefinition>().Spec.Tasks).Name);
    }

    [Fact]
    public void A_computeResources_on_a_v1beta1_step_is_an_unknown_field_that_names_the_v1beta1_field()
    {
        var loaded = Loaded.Read(Beta("Task", "t", """
            steps:
              - name: build
                image: busybox
                computeResources: {}
            """));

        var diagnostic = loaded.Expect("unknown field \"computeResources\"", "spec.steps[0].computeResources");
        loaded.At(diagnostic, "computeResources");
        Assert.Contains("resources", diagnostic.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Deprecated_step_fields_are_kept_in_Tekton_s_annotation_and_nowhere_else()
    {
        var loaded = Loaded.Validate(Beta("Task", "probe", """
            stepTemplate:
              name: template
              tty: true
            steps:
              - name: first
                image: busybox
                script: echo
              - name: second
                image: busybox
                readinessProbe:
                  exec: {command: [cat, /tmp/healthy]}
                ports:
                  - containerPort: 8080
                script: echo
            """));

        loaded.Clean();
        var task = loaded.Single<TaskDefinition>();
        var annotation = JsonNode.Parse(task.Metadata.Annotations[DeprecationsAnnotation])!;
        var steps = annotation["probe"]!["deprecatedSteps"]!.AsArray();
        Assert.Equal(2, steps.Count);
        Assert.Empty(steps[0]!.AsObject());
        Assert.Equal("/tmp/healthy", (string?)steps[1]!["readinessProbe"]!["exec"]!["command"]![1]);
        Assert.Equal(8080, (int?)steps[1]!["ports"]![0]!["containerPort"]);
        Assert.Equal("template", (string?)annotation["probe"]!["deprecatedStepTemplate"]!["name"]);
        Assert.True((bool?)annotation["probe"]!["deprecatedStepTemplate"]!["tty"]);
        Assert.Equal(["first", "second"], task.Spec.Steps.Select(s => s.Name));
    }

    [Fact]
    public void An_embedded_task_s_deprecations_are_kept_under_the_pipeline_task_s_name_beside_existing_annotations()
    {
        var loaded = Loaded.Validate("""
            apiVersion: tekton.dev/v1beta1
            kind: Pipeline
            metadata:
              name: p
              annotations:
                team: build
            spec:
              tasks:
                - name: inner
                  taskSpec:
                    steps:
                      - name: s
                        image: busybox
                        stdin: true
                        script: echo
            """);

        loaded.Clean();
        var pipeline = loaded.Single<PipelineDefinition>();
        Assert.Equal("build", pipeline.Metadata.Annotations["team"]);
        var annotation = JsonNode.Parse(pipeline.Metadata.Annotations[DeprecationsAnnotation])!;
        Assert.True((bool?)annotation["inner"]!["deprecatedSteps"]![0]!["stdin"]);
    }

    [Theory]
    [InlineData("taskRef")]
    [InlineData("pipelineRef")]
    public void A_bundle_reference_is_refused_at_bundle_with_the_resolver_form_as_the_fix(string reference)
    {
        var loaded = Loaded.Read(Beta("Pipeline", "p", $"""
            tasks:
              - name: a
                {reference}:
                  name: build
                  bundle: registry.example/tasks:v1
            """));

        var diagnostic = loaded.Expect("must not set the field(s)", $"spec.tasks[0].{reference}.bundle");
        loaded.At(diagnostic, "bundle:");
        Assert.Contains("resolver: bundles", diagnostic.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void A_validation_error_in_a_converted_Task_points_at_the_line_and_column_written()
    {
        var loaded = Loaded.Validate(Beta("Task", "t", """
            steps:
              - name: build
                image: busybox
                resources:
                  limits: {memory: 64Mi}
                script: echo $(params.missing)
            """));

        var diagnostic = loaded.ExpectNonExistent("missing", "echo $(params.missing)");
        loaded.At(diagnostic, "script: echo $(params.missing)");
    }

    [Fact]
    public void A_bad_value_under_a_renamed_field_points_at_the_value_written()
    {
        var loaded = Loaded.Read(Beta("Task", "t", """
            steps:
              - name: build
                image: busybox
                resources:
                  limits: [64Mi]
            """));

        var diagnostic = Assert.Single(loaded.Diagnostics);
        Assert.StartsWith("spec.steps[0].computeResources.limits", diagnostic.FieldPath, StringComparison.Ordinal);
        loaded.At(diagnostic, "[64Mi]");
    }

    [Fact]
    public void A_StepAction_of_v1beta1_is_not_converted()
    {
        var loaded = Loaded.Validate("apiVersion: tekton.dev/v1beta1\nkind: StepAction\nmetadata:\n  name: s\nspec:\n  image: busybox\n  script: echo\n");

        loaded.Clean();
        Assert.Equal("tekton.dev/v1beta1", loaded.Single<StepActionDefinition>().ApiVersion);
    }

    /// <summary>A v1beta1 resource: the v1 sample with its apiVersion changed, so its lines are the sample's.</summary>
    private static string Beta(string kind, string name, string spec) =>
        Samples.Resource(kind, name, spec).Replace("apiVersion: tekton.dev/v1\n", "apiVersion: tekton.dev/v1beta1\n", StringComparison.Ordinal);
}
