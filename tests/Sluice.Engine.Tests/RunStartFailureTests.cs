using Sluice.Engine.Tests.Harness;

namespace Sluice.Engine.Tests;

/// <summary>
/// What stops a run before any task: pkg/reconciler/pipelinerun/pipelinerun.go (reconcile and
/// resolvePipelineState: the MarkFailed calls and their formats), resources/validate_params.go,
/// resources/pipelinerunresolution.go (ValidateWorkspaceBindings, TaskNotFoundError),
/// resources/validate_dependencies.go (ValidatePipelineTaskResults), resources/pipelineref.go
/// (LocalPipelineRefResolver), pipelinespec/pipelinespec.go (GetPipelineData),
/// pkg/reconciler/taskrun/validate_taskrun.go (ValidateResolvedTask). MarkFailed puts "[User error] " in front of
/// the message when one of its arguments is a wrapped user error (pkg/apis/pipeline/errors: LabelUserError), and
/// a TaskRun's MarkResourceFailed does the same (GetErrorMessage).
/// </summary>
public sealed class RunStartFailureTests
{
    private const string EchoTask = """
        apiVersion: tekton.dev/v1
        kind: Task
        metadata:
          name: echo-task
        spec:
          params:
            - name: text
          results:
            - name: out
          steps:
            - {name: show, image: alpine, script: echo $(params.text)}
        """;

    [Fact]
    public async Task A_missing_pipelinerun_param_is_ParameterMissing()
    {
        var outcome = await RunAsync("""
            apiVersion: tekton.dev/v1
            kind: Pipeline
            metadata:
              name: p
            spec:
              params:
                - name: required
                - name: optional
                  default: x
              tasks:
                - name: t
                  taskRef: {name: echo-task}
                  params: [{name: text, value: "$(params.required) $(params.optional)"}]
            ---
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineRef: {name: p}
            """);

        AssertFailed(outcome, "ParameterMissing", "[User error] PipelineRun default/pr is missing some parameters required by Pipeline default/p: pipelineRun missing parameters: [required]");
    }

    [Fact]
    public async Task A_pipelinerun_param_of_the_wrong_type_is_ParameterTypeMismatch()
    {
        var outcome = await RunAsync("""
            apiVersion: tekton.dev/v1
            kind: Pipeline
            metadata:
              name: p
            spec:
              params:
                - name: flags
                  type: array
              tasks:
                - name: t
                  taskRef: {name: echo-task}
                  params: [{name: text, value: "$(params.flags[0])"}]
            ---
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              params:
                - {name: flags, value: "-v"}
              pipelineRef: {name: p}
            """);

        AssertFailed(outcome, "ParameterTypeMismatch", "[User error] PipelineRun default/pr parameters have mismatching types with Pipeline default/p's parameters: parameters have inconsistent types : [flags]");
    }

    [Fact]
    public async Task A_missing_task_is_CouldntGetTask()
    {
        var outcome = await RunAsync("""
            apiVersion: tekton.dev/v1
            kind: Pipeline
            metadata:
              name: p
            spec:
              tasks:
                - name: t
                  taskRef: {name: missing-task}
            ---
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineRef: {name: p}
            """);

        AssertFailed(outcome, "CouldntGetTask", "Pipeline default/p can't be Run; it contains Tasks that don't exist: Couldn't retrieve Task \"missing-task\": tasks.tekton.dev \"missing-task\" not found");
    }

    [Fact]
    public async Task A_missing_pipeline_is_CouldntGetPipeline()
    {
        // GetPipelineData wraps "error when getting Pipeline for PipelineRun %s: %w" around the local
        // resolver's "tekton client cannot get pipeline %s from local cluster: %w".
        var outcome = await RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineRef: {name: missing}
            """);

        AssertFailed(outcome, "CouldntGetPipeline", "Error retrieving pipeline for pipelinerun default/pr: error when getting Pipeline for PipelineRun pr: tekton client cannot get pipeline missing from local cluster: pipelines.tekton.dev \"missing\" not found");
    }

    [Fact]
    public async Task An_unbound_required_workspace_is_InvalidWorkspaceBindings()
    {
        var outcome = await RunAsync("""
            apiVersion: tekton.dev/v1
            kind: Pipeline
            metadata:
              name: p
            spec:
              workspaces:
                - name: source
              tasks:
                - name: t
                  taskRef: {name: echo-task}
                  params: [{name: text, value: hi}]
            ---
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineRef: {name: p}
            """);

        AssertFailed(outcome, "InvalidWorkspaceBindings", "[User error] PipelineRun default/pr doesn't bind Pipeline default/p's Workspaces correctly: pipeline requires workspace with name \"source\" be provided by pipelinerun");
    }

    [Fact]
    public async Task A_reference_to_an_undeclared_result_is_InvalidTaskResultReference()
    {
        // reconcile: MarkFailed(InvalidTaskResultReference, err.Error()), the error as the whole message.
        var outcome = await RunAsync("""
            apiVersion: tekton.dev/v1
            kind: Pipeline
            metadata:
              name: p
            spec:
              tasks:
                - name: a
                  taskRef: {name: echo-task}
                  params: [{name: text, value: hi}]
                - name: b
                  taskRef: {name: echo-task}
                  params: [{name: text, value: "$(tasks.a.results.nope)"}]
            ---
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineRef: {name: p}
            """);

        AssertFailed(outcome, "InvalidTaskResultReference", "invalid result reference in pipeline task \"b\": \"nope\" is not a named result returned by pipeline task \"a\"");
    }

    [Fact]
    public async Task A_pipeline_task_missing_a_task_param_is_PipelineValidationFailed()
    {
        var outcome = await RunAsync("""
            apiVersion: tekton.dev/v1
            kind: Pipeline
            metadata:
              name: p
            spec:
              tasks:
                - name: t
                  taskRef: {name: echo-task}
            ---
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineRef: {name: p}
            """);

        AssertFailed(outcome, "PipelineValidationFailed", "[User error] Validation failed for pipelinerun pr with error invalid input params for task echo-task: missing values for these params which have no default values: [text]");
    }

    [Fact]
    public async Task A_taskrun_missing_a_param_fails_validation()
    {
        var outcome = await new EngineRun { AllowInvalid = true }.RunAsync("""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              taskSpec:
                params:
                  - name: name
                steps:
                  - {name: show, image: alpine, script: echo $(params.name)}
            """);

        Expect.Condition(outcome.Condition, "False", "TaskRunValidationFailed", "[User error] invalid input params for task tr: missing values for these params which have no default values: [name]");
        Assert.Empty(outcome.Executor.Sandboxes);
    }

    private static Task<RunOutcome> RunAsync(string yaml) =>
        new EngineRun { AllowInvalid = true }.RunAsync(EchoTask + "\n---\n" + yaml);

    private static void AssertFailed(RunOutcome outcome, string reason, string message)
    {
        Expect.Condition(outcome.Condition, "False", reason, message);
        Assert.Empty(outcome.PipelineRun.Status!.ChildReferences);
        Assert.Empty(outcome.Executor.Sandboxes);
    }
}
