using Sluice.Model.Tests.Support;

namespace Sluice.Model.Tests.Validation;

/// <summary>
/// Tekton's admission checks of TaskRuns and PipelineRuns (pkg/apis/pipeline/v1/taskrun_validation.go,
/// pipelinerun_validation.go, workspace_validation.go) and of object metadata (pkg/apis/validate/metadata.go).
/// </summary>
public sealed class RunValidationTests
{
    [Fact]
    public void A_TaskRun_with_both_taskRef_and_taskSpec_is_refused()
    {
        var loaded = Loaded.Validate(Samples.TaskRun("taskRef: {name: t}\ntaskSpec:\n  steps: [{image: busybox}]\n"));

        var diagnostic = loaded.Expect("expected exactly one, got both", "spec.taskRef, spec.taskSpec");
        loaded.OnLineOf(diagnostic, "taskSpec:");
    }

    [Fact]
    public void A_TaskRun_with_neither_taskRef_nor_taskSpec_is_refused()
    {
        var loaded = Loaded.Validate(Samples.TaskRun("serviceAccountName: builder\n"));

        var diagnostic = loaded.Expect("expected exactly one, got neither", "spec.taskRef, spec.taskSpec");
        loaded.At(diagnostic, "serviceAccountName:");
    }

    [Fact]
    public void A_PipelineRun_with_both_pipelineRef_and_pipelineSpec_is_refused()
    {
        var loaded = Loaded.Validate(Samples.PipelineRun("pipelineRef: {name: p}\npipelineSpec:\n  tasks: [{name: a, taskRef: {name: t}}]\n"));

        var diagnostic = loaded.Expect("expected exactly one, got both", "spec.pipelineRef, spec.pipelineSpec");
        loaded.At(diagnostic, "pipelineSpec:");
    }

    [Fact]
    public void A_PipelineRun_with_neither_pipelineRef_nor_pipelineSpec_is_refused()
    {
        var loaded = Loaded.Validate(Samples.PipelineRun("params: [{name: a, value: b}]\n"));

        var diagnostic = loaded.Expect("expected exactly one, got neither", "spec.pipelineRef, spec.pipelineSpec");
        loaded.At(diagnostic, "params:");
    }

    [Fact]
    public void A_TaskRun_param_is_given_once()
    {
        // ValidateParameters: validateNoDuplicateNames(names, false): ErrMultipleOneOf("name").ViaKey(n).
        var loaded = Loaded.Validate(Samples.TaskRun("taskRef: {name: t}\nparams:\n  - name: p\n    value: a\n  - name: p\n    value: b\n"));

        var diagnostic = loaded.Expect("expected exactly one, got both", "spec.params[p].name");
        loaded.At(diagnostic, "name: p", 2);
    }

    [Fact]
    public void TaskRun_param_names_are_compared_ignoring_case()
    {
        // validateNoDuplicateNames compares strings.ToLower(n).
        var loaded = Loaded.Validate(Samples.TaskRun("taskRef: {name: t}\nparams:\n  - name: url\n    value: a\n  - name: URL\n    value: b\n"));

        var diagnostic = loaded.Expect("expected exactly one, got both", "spec.params[URL].name");
        loaded.At(diagnostic, "name: URL");
    }

    [Fact]
    public void A_PipelineRun_param_is_given_once()
    {
        var loaded = Loaded.Validate(Samples.PipelineRun("pipelineRef: {name: p}\nparams:\n  - name: p\n    value: a\n  - name: p\n    value: b\n"));

        var diagnostic = loaded.Expect("expected exactly one, got both", "spec.params[p].name");

        // The second param's name is the fourth "name: p": metadata "name: pr" and pipelineRef "{name: p}" come first.
        loaded.At(diagnostic, "name: p", 4);
    }

    [Fact]
    public void A_TaskRun_workspace_is_bound_once()
    {
        // ValidateWorkspaceBindings: validateNoDuplicateNames(names, true): ErrMultipleOneOf("name").ViaIndex(i).
        var loaded = Loaded.Validate(Samples.TaskRun("taskRef: {name: t}\nworkspaces:\n  - name: w\n    emptyDir: {}\n  - name: w\n    emptyDir: {}\n"));

        var diagnostic = loaded.Expect("expected exactly one, got both", "spec.workspaces[1].name");
        loaded.At(diagnostic, "name: w", 2);
    }

    [Fact]
    public void TaskRun_workspace_names_are_compared_ignoring_case()
    {
        var loaded = Loaded.Validate(Samples.TaskRun("taskRef: {name: t}\nworkspaces:\n  - name: src\n    emptyDir: {}\n  - name: SRC\n    emptyDir: {}\n"));

        var diagnostic = loaded.Expect("expected exactly one, got both", "spec.workspaces[1].name");
        loaded.At(diagnostic, "name: SRC");
    }

    [Fact]
    public void A_PipelineRun_workspace_is_bound_once()
    {
        // PipelineRunSpec.Validate: ErrGeneric(fmt.Sprintf("workspace %q provided by pipelinerun more than once, at index %d and %d", ...), "name").
        var loaded = Loaded.Validate(Samples.PipelineRun("pipelineRef: {name: p}\nworkspaces:\n  - name: w\n    emptyDir: {}\n  - name: w\n    emptyDir: {}\n"));

        var diagnostic = loaded.Expect("workspace \"w\" provided by pipelinerun more than once, at index 0 and 1", "spec.workspaces[1].name");
        loaded.At(diagnostic, "name: w", 2);
    }

    [Fact]
    public void A_workspace_binding_needs_a_source()
    {
        // WorkspaceBinding.Validate: apis.ErrMissingOneOf(allVolumeSourceFields...).
        var loaded = Loaded.Validate(Samples.TaskRun("taskRef: {name: t}\nworkspaces:\n  - name: w\n    subPath: x\n"));

        var diagnostic = loaded.Expect("expected exactly one, got neither");
        Assert.StartsWith("spec.workspaces[0]", diagnostic.FieldPath, StringComparison.Ordinal);
        loaded.OnLineOf(diagnostic, "name: w");
    }

    [Fact]
    public void A_workspace_binding_has_one_source()
    {
        var loaded = Loaded.Validate(Samples.TaskRun("taskRef: {name: t}\nworkspaces:\n  - name: w\n    emptyDir: {}\n    secret: {secretName: s}\n"));

        var diagnostic = loaded.Expect("expected exactly one, got both");
        Assert.StartsWith("spec.workspaces[0]", diagnostic.FieldPath, StringComparison.Ordinal);
        loaded.OnLineOf(diagnostic, "name: w");
    }

    [Theory]
    [InlineData("emptyDir: {}")]
    [InlineData("persistentVolumeClaim: {claimName: c}")]
    [InlineData("volumeClaimTemplate: {spec: {accessModes: [ReadWriteOnce]}}")]
    [InlineData("configMap: {name: c}")]
    [InlineData("secret: {secretName: s}")]
    [InlineData("projected: {sources: [{configMap: {name: c}}]}")]
    public void Each_workspace_source_is_accepted_alone(string source) =>
        Loaded.Validate(Samples.TaskRun($"taskRef: {{name: t}}\nworkspaces:\n  - name: w\n    {source}\n")).Clean();

    [Fact]
    public void A_persistent_volume_claim_binding_names_its_claim()
    {
        var loaded = Loaded.Validate(Samples.TaskRun("taskRef: {name: t}\nworkspaces:\n  - name: w\n    persistentVolumeClaim: {readOnly: true}\n"));

        var diagnostic = loaded.Expect("missing field(s)", "spec.workspaces[0].persistentvolumeclaim.claimname");
        loaded.At(diagnostic, "persistentVolumeClaim:");
    }

    [Fact]
    public void A_negative_TaskRun_timeout_is_refused()
    {
        var loaded = Loaded.Validate(Samples.TaskRun("taskRef: {name: t}\ntimeout: -1m\n"));

        var diagnostic = loaded.Expect("invalid value: -1m0s should be >= 0", "spec.timeout");
        loaded.At(diagnostic, "timeout:");
    }

    [Fact]
    public void A_negative_PipelineRun_timeout_is_refused()
    {
        var loaded = Loaded.Validate(Samples.PipelineRun("pipelineRef: {name: p}\ntimeouts:\n  tasks: -30s\n"));

        var diagnostic = loaded.Expect("invalid value: -30s should be >= 0", "spec.timeouts.tasks");
        loaded.At(diagnostic, "tasks:");
    }

    [Fact]
    public void A_tasks_timeout_longer_than_the_pipeline_timeout_is_refused()
    {
        var loaded = Loaded.Validate(Samples.PipelineRun("pipelineRef: {name: p}\ntimeouts:\n  pipeline: 1h\n  tasks: 2h\n"));

        var diagnostic = loaded.Expect("invalid value: 2h0m0s should be <= pipeline duration", "spec.timeouts.tasks");
        loaded.At(diagnostic, "tasks: 2h");
    }

    [Fact]
    public void The_default_pipeline_timeout_bounds_the_tasks_timeout()
    {
        // PipelineRunSpec.SetDefaults sets timeouts.pipeline to the 60 minute default before validation.
        var loaded = Loaded.Validate(Samples.PipelineRun("pipelineRef: {name: p}\ntimeouts:\n  finally: 90m\n"));

        var diagnostic = loaded.Expect("invalid value: 1h30m0s should be <= pipeline duration", "spec.timeouts.finally");
        loaded.At(diagnostic, "finally: 90m");
    }

    [Fact]
    public void A_tasks_timeout_of_zero_under_a_pipeline_timeout_is_refused()
    {
        var loaded = Loaded.Validate(Samples.PipelineRun("pipelineRef: {name: p}\ntimeouts:\n  pipeline: 1h\n  tasks: \"0\"\n"));

        loaded.Expect("invalid value: 0s (no timeout) should be <= pipeline duration", "spec.timeouts.tasks");
    }

    [Fact]
    public void A_zero_tasks_timeout_under_the_default_pipeline_timeout_is_refused()
    {
        var loaded = Loaded.Validate(Samples.PipelineRun("pipelineRef: {name: p}\ntimeouts:\n  tasks: \"0\"\n"));

        loaded.Expect("invalid value: 0s (no timeout) should be <= pipeline duration", "spec.timeouts.tasks");
    }

    [Fact]
    public void Tasks_and_finally_timeouts_together_fit_in_the_pipeline_timeout()
    {
        var loaded = Loaded.Validate(Samples.PipelineRun("pipelineRef: {name: p}\ntimeouts:\n  pipeline: 1h\n  tasks: 40m\n  finally: 30m\n"));

        var diagnostic = loaded.ExpectWhere(d => d.Message == "invalid value: 40m0s + 30m0s should be <= pipeline duration" && d.FieldPath == "spec.timeouts.tasks", "the sum at spec.timeouts.tasks");
        loaded.At(diagnostic, "tasks: 40m");
    }

    [Fact]
    public void A_pipeline_timeout_of_zero_accepts_any_tasks_timeout() =>
        Loaded.Validate(Samples.PipelineRun("pipelineRef: {name: p}\ntimeouts:\n  pipeline: \"0\"\n  tasks: 5h\n")).Clean();

    [Theory]
    [InlineData("TaskRunCancelled")]
    [InlineData("TaskRunPending")]
    public void A_TaskRun_status_may_cancel_or_hold(string status) =>
        Loaded.Validate(Samples.TaskRun($"taskRef: {{name: t}}\nstatus: {status}\n")).Clean();

    [Fact]
    public void A_TaskRun_status_has_two_values()
    {
        var loaded = Loaded.Validate(Samples.TaskRun("taskRef: {name: t}\nstatus: Stopped\n"));

        var diagnostic = loaded.Expect("invalid value: Stopped should be TaskRunCancelled or TaskRunPending", "spec.status");
        loaded.At(diagnostic, "status:");
    }

    [Theory]
    [InlineData("Cancelled")]
    [InlineData("CancelledRunFinally")]
    [InlineData("StoppedRunFinally")]
    [InlineData("PipelineRunPending")]
    public void A_PipelineRun_status_may_cancel_stop_or_hold(string status) =>
        Loaded.Validate(Samples.PipelineRun($"pipelineRef: {{name: p}}\nstatus: {status}\n")).Clean();

    [Fact]
    public void A_PipelineRun_status_has_four_values()
    {
        var loaded = Loaded.Validate(Samples.PipelineRun("pipelineRef: {name: p}\nstatus: Stopped\n"));

        var diagnostic = loaded.Expect("invalid value: Stopped should be Cancelled, CancelledRunFinally, StoppedRunFinally or PipelineRunPending", "spec.status");
        loaded.At(diagnostic, "status:");
    }

    [Fact]
    public void A_run_s_inline_pipeline_spec_is_validated()
    {
        var loaded = Loaded.Validate(Samples.PipelineRun("pipelineSpec:\n  tasks:\n    - name: a\n      runAfter: [a]\n      taskRef: {name: t}\n"));

        var diagnostic = loaded.Expect("invalid value: cycle detected; task \"a\" depends on \"a\"", "spec.pipelineSpec.tasks");
        loaded.At(diagnostic, "runAfter:");
    }

    [Fact]
    public void A_run_without_a_spec_is_reported_at_the_resource()
    {
        var loaded = Loaded.Validate("apiVersion: tekton.dev/v1\nkind: TaskRun\nmetadata:\n  name: r\n");

        var diagnostic = loaded.Expect("expected exactly one, got neither", "spec.taskRef, spec.taskSpec");
        Assert.True(diagnostic.Location.IsKnown, $"expected a line and column, got \"{diagnostic.Location}\"");
    }

    [Fact]
    public void A_Task_without_a_spec_is_reported_at_the_resource()
    {
        var loaded = Loaded.Validate("apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: t\n");

        var diagnostic = loaded.Expect("missing field(s)", "spec.steps");
        Assert.True(diagnostic.Location.IsKnown, $"expected a line and column, got \"{diagnostic.Location}\"");
    }

    [Fact]
    public void An_invalid_resource_name_is_refused()
    {
        var loaded = Loaded.Validate(Samples.Task("steps: [{image: busybox}]", name: "Build_It"));

        var diagnostic = loaded.Expect("invalid resource name \"Build_It\": must be a valid DNS label", "metadata.name");
        loaded.At(diagnostic, "name: Build_It");
    }

    [Fact]
    public void A_resource_name_longer_than_63_characters_is_refused()
    {
        var name = new string('a', 64);
        var loaded = Loaded.Validate(Samples.Pipeline("tasks: [{name: a, taskRef: {name: t}}]", name: name));

        var diagnostic = loaded.Expect("Invalid resource name: length must be no more than 63 characters", "metadata.name");
        loaded.At(diagnostic, "name: aaaa");
        Assert.Equal("shorten the name from 64 to at most 63 characters", diagnostic.Fix);
    }

    [Fact]
    public void A_dotted_resource_name_is_a_valid_subdomain() =>
        Loaded.Validate(Samples.Task("steps: [{image: busybox}]", name: "build.v2")).Clean();

    [Fact]
    public void A_run_needs_a_name_or_generateName()
    {
        // Kubernetes ValidateObjectMeta: "name or generateName is required".
        var loaded = Loaded.Validate("apiVersion: tekton.dev/v1\nkind: TaskRun\nmetadata:\n  labels: {a: b}\nspec:\n  taskRef: {name: t}\n");

        var diagnostic = loaded.Expect("name or generateName is required", "metadata.name");
        loaded.At(diagnostic, "metadata:");
    }

    [Fact]
    public void A_run_may_have_a_generated_name()
    {
        var loaded = Loaded.Validate("apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata:\n  generateName: build-\nspec:\n  pipelineRef: {name: p}\n");

        loaded.Clean();
        Assert.Equal("PipelineRun/build-*", Assert.Single(loaded.Resources).DisplayName);
    }

    [Fact]
    public void An_invalid_generateName_is_reported_at_generateName()
    {
        var loaded = Loaded.Validate("apiVersion: tekton.dev/v1\nkind: TaskRun\nmetadata:\n  generateName: Build_\nspec:\n  taskRef: {name: t}\n");

        var diagnostic = loaded.ExpectWhere(d => d.FieldPath == "metadata.generateName", "a generateName diagnostic");
        loaded.At(diagnostic, "generateName:");
    }
}
