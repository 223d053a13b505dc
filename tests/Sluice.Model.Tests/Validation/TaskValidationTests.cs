using Sluice.Model.Tests.Support;

namespace Sluice.Model.Tests.Validation;

/// <summary>
/// Tekton's admission checks of a Task (pkg/apis/pipeline/v1/task_validation.go, container_validation.go,
/// param_types.go, result_validation.go), with Tekton's messages and field paths.
/// </summary>
public sealed partial class TaskValidationTests
{
    [Fact]
    public void A_valid_Task_has_no_diagnostics() =>
        Loaded.Validate(Samples.Task("""
            params:
              - name: args
                type: array
              - name: who
                default: world
            workspaces:
              - name: source
            results:
              - name: digest
            steps:
              - name: build
                image: busybox
                args: ["$(params.args[*])"]
              - name: report
                image: busybox
                script: echo $(params.who) > $(results.digest.path); ls $(workspaces.source.path)
            """)).Clean();

    [Fact]
    public void Steps_are_required()
    {
        // TaskSpec.Validate: apis.ErrMissingField("steps").
        var loaded = Loaded.Validate(Samples.Task("description: nothing to do\n"));

        var diagnostic = loaded.Expect("missing field(s)", "spec.steps");
        loaded.At(diagnostic, "description:");
    }

    [Fact]
    public void Step_names_are_unique()
    {
        // StepList.Validate: apis.ErrMultipleOneOf("name").ViaIndex(idx).
        var loaded = Loaded.Validate(Samples.Task("""
            steps:
              - name: a
                image: busybox
              - name: a
                image: busybox
            """));

        var diagnostic = loaded.Expect("expected exactly one, got both", "spec.steps[1].name");
        loaded.At(diagnostic, "name: a", 2);
    }

    [Fact]
    public void A_step_name_is_a_DNS_label()
    {
        // Step.Validate: validation.IsDNS1123Label.
        var loaded = Loaded.Validate(Samples.Task("steps:\n  - name: Build_It\n    image: busybox\n"));

        var diagnostic = loaded.Expect("invalid value \"Build_It\"", "spec.steps[0].name");
        loaded.At(diagnostic, "name: Build_It");
        Assert.Contains("DNS Label", diagnostic.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void A_step_needs_an_image()
    {
        // Step.Validate: apis.ErrMissingField("Image"), after MergeStepsWithStepTemplate.
        var loaded = Loaded.Validate(Samples.Task("steps:\n  - name: s\n    script: echo\n"));

        var diagnostic = loaded.Expect("missing field(s)", "spec.steps[0].Image");
        loaded.OnLineOf(diagnostic, "name: s");
    }

    [Fact]
    public void A_step_template_image_satisfies_the_image_check() =>
        Loaded.Validate(Samples.Task("stepTemplate:\n  image: busybox\nsteps:\n  - script: echo\n")).Clean();

    [Fact]
    public void A_script_cannot_be_combined_with_command()
    {
        var loaded = Loaded.Validate(Samples.Task("steps:\n  - image: busybox\n    command: [sh]\n    script: echo\n"));

        var diagnostic = loaded.Expect("script cannot be used with command", "spec.steps[0].script");
        loaded.At(diagnostic, "script:");
    }

    [Theory]
    [InlineData("continue")]
    [InlineData("stopAndFail")]
    [InlineData("$(params.mode)")]
    public void A_step_onError_of_continue_stopAndFail_or_a_param_is_accepted(string onError) =>
        Loaded.Validate(Samples.Task($"params: [{{name: mode}}]\nsteps:\n  - image: busybox\n    onError: \"{onError}\"\n")).Clean();

    [Fact]
    public void A_step_onError_has_two_values()
    {
        var loaded = Loaded.Validate(Samples.Task("steps:\n  - image: busybox\n    onError: ignore\n"));

        var diagnostic = loaded.Expect("invalid value: \"ignore\"", "spec.steps[0].onError");
        loaded.At(diagnostic, "onError:");
        Assert.Equal("Task step onError must be either \"continue\" or \"stopAndFail\"", diagnostic.Fix);
    }

    [Theory]
    [InlineData("/tekton/results/x")]
    [InlineData("/tekton//steps")]
    [InlineData("/workspace/../tekton/run")]
    public void A_volume_mount_under_tekton_is_refused(string mountPath)
    {
        var loaded = Loaded.Validate(Samples.Task($"volumes: [{{name: v, emptyDir: {{}}}}]\nsteps:\n  - image: busybox\n    volumeMounts:\n      - name: v\n        mountPath: {mountPath}\n"));

        var diagnostic = loaded.Expect(
            $"volumeMount cannot be mounted under /tekton/ (volumeMount \"v\" mounted at \"{mountPath}\")",
            "spec.steps[0].volumeMounts[0].mountPath");
        loaded.At(diagnostic, "mountPath:");
    }

    [Theory]
    [InlineData("/tekton/home")]
    [InlineData("/tekton/home/.ssh")]
    [InlineData("/tektonic")]
    public void A_volume_mount_under_tekton_home_or_beside_tekton_is_accepted(string mountPath) =>
        Loaded.Validate(Samples.Task($"volumes: [{{name: v, emptyDir: {{}}}}]\nsteps:\n  - image: busybox\n    volumeMounts:\n      - name: v\n        mountPath: {mountPath}\n")).Clean();

    [Fact]
    public void A_volume_mount_name_cannot_use_Tekton_s_internal_prefix()
    {
        var loaded = Loaded.Validate(Samples.Task("steps:\n  - image: busybox\n    volumeMounts:\n      - name: tekton-internal-x\n        mountPath: /x\n"));

        var diagnostic = loaded.Expect("volumeMount name \"tekton-internal-x\" cannot start with \"tekton-internal-\"", "spec.steps[0].volumeMounts[0].name");
        loaded.At(diagnostic, "name: tekton-internal-x");
    }

    [Fact]
    public void An_undeclared_result_path_in_a_script_is_refused()
    {
        // validateTaskResultsVariables.
        var loaded = Loaded.Validate(Samples.Task("results: [{name: digest}]\nsteps:\n  - image: busybox\n    script: echo x > $(results.digst.path)\n"));

        var diagnostic = loaded.ExpectNonExistent("digst", "echo x > $(results.digst.path)");
        Assert.Equal("spec.steps[0].script", diagnostic.FieldPath);
        loaded.At(diagnostic, "script:");
    }

    [Fact]
    public void An_unknown_context_variable_is_refused()
    {
        // validateTaskContextVariables: context.taskRun has name, namespace, uid.
        var loaded = Loaded.Validate(Samples.Task("steps:\n  - image: busybox\n    script: echo $(context.taskRun.owner)\n"));

        var diagnostic = loaded.ExpectNonExistent("owner", "echo $(context.taskRun.owner)");
        Assert.Equal("spec.steps[0].script", diagnostic.FieldPath);
        loaded.At(diagnostic, "script:");
    }

    [Fact]
    public void A_result_name_follows_Tekton_s_format()
    {
        // TaskResult.Validate: apis.ErrInvalidKeyName(tr.Name, "name", ...).
        var loaded = Loaded.Validate(Samples.Task("results:\n  - name: -digest\nsteps: [{image: busybox}]\n"));

        var diagnostic = loaded.Expect("invalid key name \"-digest\"", "spec.results[0].name");
        loaded.At(diagnostic, "name: -digest");
    }

    [Fact]
    public void A_result_type_is_string_array_or_object()
    {
        var loaded = Loaded.Validate(Samples.Task("results:\n  - name: digest\n    type: number\nsteps: [{image: busybox}]\n"));

        var diagnostic = loaded.Expect("invalid value: number", "spec.results[0].type");
        loaded.At(diagnostic, "type: number");
    }

    [Fact]
    public void An_object_result_needs_properties()
    {
        // validateObjectResult: apis.ErrMissingField(tr.Name + ".properties").ViaIndex(index), via "results".
        var loaded = Loaded.Validate(Samples.Task("results:\n  - name: image\n    type: object\nsteps: [{image: busybox}]\n"));

        var diagnostic = loaded.Expect("missing field(s)", "spec.results[0].image.properties");
        loaded.OnLineOf(diagnostic, "name: image");
    }

    [Fact]
    public void Workspace_names_are_unique()
    {
        var loaded = Loaded.Validate(Samples.Task("workspaces:\n  - name: w\n  - name: w\nsteps: [{image: busybox}]\n"));

        var diagnostic = loaded.Expect("workspace name \"w\" must be unique", "spec.workspaces[1].name");
        loaded.At(diagnostic, "name: w", 2);
    }

    [Fact]
    public void Workspace_mount_paths_are_unique()
    {
        var loaded = Loaded.Validate(Samples.Task("workspaces:\n  - name: a\n    mountPath: /data\n  - name: b\n    mountPath: /data/\nsteps: [{image: busybox}]\n"));

        var diagnostic = loaded.Expect("workspace mount path \"/data\" must be unique", "spec.workspaces[1].mountpath");
        loaded.At(diagnostic, "mountPath: /data/");
    }

    [Fact]
    public void A_workspace_cannot_take_a_step_volume_mount_s_path()
    {
        var loaded = Loaded.Validate(Samples.Task("workspaces:\n  - name: src\nvolumes: [{name: v, emptyDir: {}}]\nsteps:\n  - image: busybox\n    volumeMounts: [{name: v, mountPath: /workspace/src}]\n"));

        var diagnostic = loaded.Expect("workspace mount path \"/workspace/src\" must be unique", "spec.workspaces[0].mountpath");
        loaded.At(diagnostic, "name: src");
    }

    [Fact]
    public void A_step_workspace_must_be_declared()
    {
        // validateWorkspaceUsages.
        var loaded = Loaded.Validate(Samples.Task("workspaces: [{name: src}]\nsteps:\n  - image: busybox\n    workspaces:\n      - name: source\n        mountPath: /src\n"));

        var diagnostic = loaded.Expect("undefined workspace \"source\"", "spec.steps[0].workspaces[0].name");
        loaded.At(diagnostic, "name: source");
    }

    [Fact]
    public void Volume_names_are_unique()
    {
        var loaded = Loaded.Validate(Samples.Task("volumes:\n  - name: v\n    emptyDir: {}\n  - name: v\n    emptyDir: {}\nsteps: [{image: busybox}]\n"));

        var diagnostic = loaded.Expect("multiple volumes with same name \"v\"", "spec.volumes[1].name");
        loaded.At(diagnostic, "name: v", 2);
    }

}
