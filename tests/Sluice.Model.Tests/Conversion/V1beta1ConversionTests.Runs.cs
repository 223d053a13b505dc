using Sluice.Model.Runs;
using Sluice.Model.Tests.Support;

namespace Sluice.Model.Tests.Conversion;

/// <summary>TaskRuns and PipelineRuns: <c>taskrun_conversion.go</c> and <c>pipelinerun_conversion.go</c>.</summary>
public sealed partial class V1beta1ConversionTests
{
    [Fact]
    public void A_v1beta1_PipelineRun_moves_serviceAccountName_and_podTemplate_into_taskRunTemplate_and_timeout_into_timeouts()
    {
        var loaded = Loaded.Validate(Beta("PipelineRun", "pr", """
            pipelineRef: {name: p}
            serviceAccountName: builder
            timeout: 1h30m
            podTemplate:
              hostNetwork: true
            """));

        loaded.Clean();
        var run = loaded.Single<PipelineRun>();
        Assert.Equal("builder", run.Spec.TaskRunTemplate!.ServiceAccountName);
        Assert.True(run.Spec.TaskRunTemplate.PodTemplate!.HostNetwork);
        Assert.Equal(TimeSpan.FromMinutes(90), run.Spec.Timeouts!.Pipeline!.Value.Value);
        Assert.Null(run.Spec.Timeouts.Tasks);
    }

    [Fact]
    public void A_v1beta1_PipelineRun_keeps_timeouts_as_they_are()
    {
        var loaded = Loaded.Validate(Beta("PipelineRun", "pr", """
            pipelineRef: {name: p}
            timeouts:
              pipeline: 2h
              tasks: 1h
            """));

        loaded.Clean();
        var timeouts = loaded.Single<PipelineRun>().Spec.Timeouts!;
        Assert.Equal(TimeSpan.FromHours(2), timeouts.Pipeline!.Value.Value);
        Assert.Equal(TimeSpan.FromHours(1), timeouts.Tasks!.Value.Value);
    }

    [Fact]
    public void Timeout_and_timeouts_together_are_refused_at_timeout_as_Tekton_refuses_them()
    {
        var loaded = Loaded.Read(Beta("PipelineRun", "pr", """
            pipelineRef: {name: p}
            timeouts:
              tasks: 1h
            timeout: 2h
            """));

        var diagnostic = loaded.Expect("must not set the field(s)", "spec.timeout, spec.timeouts");
        loaded.At(diagnostic, "timeout: 2h");
    }

    [Fact]
    public void The_v1_taskRunTemplate_is_unknown_in_a_v1beta1_PipelineRun()
    {
        var loaded = Loaded.Read(Beta("PipelineRun", "pr", """
            pipelineRef: {name: p}
            taskRunTemplate:
              serviceAccountName: builder
            """));

        var diagnostic = loaded.Expect("unknown field \"taskRunTemplate\"", "spec.taskRunTemplate");
        loaded.At(diagnostic, "taskRunTemplate");
        Assert.Contains("serviceAccountName and podTemplate", diagnostic.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void A_v1beta1_PipelineRun_s_taskRunSpecs_take_their_v1_names()
    {
        var loaded = Loaded.Validate(Beta("PipelineRun", "pr", """
            pipelineRef: {name: p}
            taskRunSpecs:
              - pipelineTaskName: build
                taskServiceAccountName: robot
                taskPodTemplate:
                  hostNetwork: true
                stepOverrides:
                  - name: compile
                    resources:
                      requests: {memory: 1Gi}
                sidecarOverrides:
                  - name: cache
                    resources:
                      limits: {cpu: "1"}
            """));

        loaded.Clean();
        var spec = Assert.Single(loaded.Single<PipelineRun>().Spec.TaskRunSpecs);
        Assert.Equal("build", spec.PipelineTaskName);
        Assert.Equal("robot", spec.ServiceAccountName);
        Assert.True(spec.PodTemplate!.HostNetwork);
        var step = Assert.Single(spec.StepSpecs);
        Assert.Equal(("compile", "1Gi"), (step.Name, step.ComputeResources!.Requests["memory"]));
        var sidecar = Assert.Single(spec.SidecarSpecs);
        Assert.Equal(("cache", "1"), (sidecar.Name, sidecar.ComputeResources!.Limits["cpu"]));
    }

    [Fact]
    public void A_v1beta1_TaskRun_renames_its_overrides_and_converts_its_taskSpec()
    {
        var loaded = Loaded.Validate(Beta("TaskRun", "r", """
            serviceAccountName: robot
            stepOverrides:
              - name: build
                resources:
                  requests: {memory: 1Gi}
            sidecarOverrides:
              - name: side
                resources:
                  requests: {memory: 8Mi}
            taskSpec:
              steps:
                - name: build
                  image: busybox
                  resources:
                    limits: {memory: 2Gi}
                  script: echo
              sidecars:
                - name: side
                  image: busybox
            """));

        loaded.Clean();
        var run = loaded.Single<TaskRun>();
        Assert.Equal("tekton.dev/v1", run.ApiVersion);
        Assert.Equal("robot", run.Spec.ServiceAccountName);
        Assert.Equal("1Gi", Assert.Single(run.Spec.StepSpecs).ComputeResources!.Requests["memory"]);
        Assert.Equal("8Mi", Assert.Single(run.Spec.SidecarSpecs).ComputeResources!.Requests["memory"]);
        Assert.Equal("2Gi", Assert.Single(run.Spec.TaskSpec!.Steps).ComputeResources!.Limits["memory"]);
    }

    [Theory]
    [InlineData("TaskRun", "taskRef: {name: t}\nresources:\n  inputs: []\n", "spec.resources", "resources:")]
    [InlineData("PipelineRun", "pipelineRef: {name: p}\nresources:\n  - name: repo\n", "spec.resources", "resources:")]
    [InlineData("TaskRun", "taskRef: {name: t}\nstepSpecs: []\n", "spec.stepSpecs", "stepSpecs")]
    public void Fields_a_v1beta1_run_cannot_have_are_refused_where_written(string kind, string spec, string path, string at)
    {
        var loaded = Loaded.Read(Beta(kind, "r", spec));

        var diagnostic = Assert.Single(loaded.Diagnostics);
        Assert.Equal(path, diagnostic.FieldPath);
        loaded.At(diagnostic, at);
        Assert.NotNull(diagnostic.Fix);
    }

    [Theory]
    [InlineData("TaskRun", "taskRef: {name: t}\n", "taskResults")]
    [InlineData("PipelineRun", "pipelineRef: {name: p}\n", "pipelineResults")]
    [InlineData("PipelineRun", "pipelineRef: {name: p}\n", "taskRuns")]
    public void Status_fields_v1_renamed_are_refused_where_written(string kind, string spec, string field)
    {
        var loaded = Loaded.Read(Beta(kind, "r", spec) + $"status:\n  conditions: []\n  {field}: []\n");

        var diagnostic = loaded.Expect($"Sluice converts the spec of a tekton.dev/v1beta1 {kind}, not its status", $"status.{field}");
        loaded.At(diagnostic, field + ":");
        Assert.Single(loaded.Diagnostics);
    }

    [Theory]
    [InlineData("status: {}\n")]
    [InlineData("status:\n")]
    [InlineData("status:\n  conditions: []\n")]
    public void A_status_in_v1_terms_of_a_v1beta1_run_is_accepted(string status)
    {
        var loaded = Loaded.Read(Beta("PipelineRun", "pr", "pipelineRef: {name: p}\n") + status);

        loaded.Clean();
        Assert.Equal("p", loaded.Single<PipelineRun>().Spec.PipelineRef!.Name);
    }
}
