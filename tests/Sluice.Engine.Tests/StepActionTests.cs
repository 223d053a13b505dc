using Sluice.Engine.Tests.Harness;
using Sluice.Model.Pipelines;

namespace Sluice.Engine.Tests;

/// <summary>
/// StepActions and step results: pkg/reconciler/taskrun/resources/apply.go (applyStepActionParameters: TaskRun
/// values in step params, then step values, then defaults), pkg/reconciler/taskrun/resources/apply.go
/// (ApplyResults: step.results.r.path), pkg/pod/status.go (createTaskResultsFromStepResults) and docs/stepactions.md.
/// </summary>
public sealed class StepActionTests
{
    private const string GreetAction = """
        apiVersion: tekton.dev/v1beta1
        kind: StepAction
        metadata:
          name: greet
        spec:
          params:
            - name: who
            - name: greeting
              default: hello
          results:
            - name: said
          image: alpine
          script: |
            echo $(params.greeting) $(params.who)
            write $(step.results.said.path) $(params.greeting)-$(params.who)
        """;

    [Fact]
    public async Task A_stepaction_gets_its_params_from_the_step_with_taskrun_values_and_defaults()
    {
        var outcome = await new EngineRun().RunAsync(GreetAction + "\n---\n" + """
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              params:
                - {name: name, value: tekton}
              taskSpec:
                params:
                  - name: name
                steps:
                  - name: default-greeting
                    ref:
                      name: greet
                    params:
                      - {name: who, value: $(params.name)}
                  - name: own-greeting
                    ref:
                      name: greet
                    params:
                      - {name: who, value: world}
                      - {name: greeting, value: hi}
            """);

        Expect.Condition(outcome.Condition, "True", "Succeeded");
        Assert.Equal("hello tekton\nhi world\n", outcome.LogOf("tr"));
        Assert.Equal(
            ["/tekton/steps/step-default-greeting/results/said", "/tekton/steps/step-own-greeting/results/said"],
            outcome.Steps.Select(s => s.Script!.Split('\n').Single(l => l.StartsWith("write", StringComparison.Ordinal)).Split(' ')[1]));
    }

    [Fact]
    public async Task A_step_result_is_read_into_the_step_status_and_a_task_result_that_names_it()
    {
        // docs/stepactions.md "Fetching Emitted Results from StepActions": a task result whose value is
        // $(steps.<step-name>.results.<result-name>) takes the step result (pkg/pod/status.go:
        // createTaskResultsFromStepResults).
        var outcome = await RunSayAndRepeatAsync();

        Expect.Condition(outcome.Condition, "True", "Succeeded");
        var say = outcome.TaskRun.Status!.Steps[0];
        Assert.Equal(("said", ParamValue.Of("hello-you")), (Assert.Single(say.Results).Name, say.Results[0].Value));
        Assert.Equal(ParamValue.Of("hello-you"), Assert.Contains("greeting", outcome.Results));
    }

    [Fact]
    public async Task A_step_result_reaches_the_args_of_a_later_step_by_the_steps_name()
    {
        // Step results may be used in env, command and args (container_validation.go: validateStepResultReference);
        // the entrypoint replaces $(steps.<step-name>.results.<r>) there, reading the file of container
        // "step-<step-name>" (entrypointer.go: applyStepResultSubstitutions, loadStepResult, GetContainerName).
        var outcome = await RunSayAndRepeatAsync();

        Assert.Equal("hello you\nagain hello-you\n", outcome.LogOf("tr"));
    }

    [Fact]
    public async Task A_missing_stepaction_fails_the_taskrun_at_resolution()
    {
        var outcome = await new EngineRun { AllowInvalid = true }.RunAsync("""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              taskSpec:
                steps:
                  - name: use
                    ref:
                      name: nowhere
            """);

        // GetStepActionsData: "failed to resolve step ref for step %q (index %d): %w" around the client's not-found error.
        Expect.Condition(outcome.Condition, "False", "TaskRunResolutionFailed", "failed to resolve step ref for step \"use\" (index 0): stepactions.tekton.dev \"nowhere\" not found");
        Assert.Empty(outcome.Steps);
    }

    private static Task<RunOutcome> RunSayAndRepeatAsync() => new EngineRun().RunAsync(GreetAction + "\n---\n" + """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: tr
        spec:
          taskSpec:
            results:
              - name: greeting
                value: $(steps.say.results.said)
            steps:
              - name: say
                ref:
                  name: greet
                params:
                  - {name: who, value: you}
              - name: repeat
                image: alpine
                command: [echo]
                args: [again, "$(steps.say.results.said)"]
        """);
}
