using System.Collections.Immutable;
using Microsoft.Extensions.Time.Testing;
using Sluice.Engine.CustomTasks;
using Sluice.Engine.Tests.Harness;
using Sluice.Model.Pipelines;
using Sluice.Model.Tasks;

namespace Sluice.Engine.Tests;

/// <summary>
/// Custom tasks (<c>taskRef: {apiVersion, kind}</c>) that the engine runs in its own process: their params,
/// results, log and failures behave as a Task's, so the rest of a pipeline cannot tell them apart.
/// </summary>
public sealed class CustomTaskTests
{
    private const string Pipeline = """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata:
          name: pr
        spec:
          pipelineSpec:
            tasks:
              - name: greet
                params:
                  - {name: name, value: "$(params.who)"}
                  - {name: mode, value: "$(params.mode)"}
                taskRef: {apiVersion: test.sluice.dev/v1, kind: Greeter}
              - name: show
                params: [{name: text, value: "$(tasks.greet.results.message)"}]
                taskSpec:
                  params: [{name: text}]
                  steps: [{name: echo, image: alpine, script: "echo $(params.text)"}]
            params: [{name: who}, {name: mode}]
          params:
            - {name: who, value: World}
            - {name: mode, value: MODE}
        """;

    [Fact]
    public async Task Params_with_defaults_go_in_and_results_come_out_to_the_next_task()
    {
        var outcome = await Run(Pipeline.Replace("MODE", "ok", StringComparison.Ordinal));

        Expect.Condition(outcome.Condition, "True", "Succeeded", "Tasks Completed: 2 (Failed: 0, Cancelled 0), Skipped: 0");
        var greet = outcome.TaskRunOf("greet");
        Assert.Equal("Greeter", greet.Spec.TaskRef!.Kind);
        Expect.Condition(greet.Status!.Conditions.Single(), "True", "Succeeded", "greeted World");
        Assert.Equal("Hello, World!", greet.Status.Results.Single(r => r.Name == "message").Value.StringValue);
        var step = Assert.Single(greet.Status.Steps);
        Assert.Equal("greeter", step.Name);
        Assert.Equal(0, step.Terminated!.ExitCode);
        Assert.Equal("greeting World\n", outcome.LogOf("pr-greet"));
        Assert.Equal("Hello, World!\n", outcome.LogOfTask("show"));
        Assert.DoesNotContain(outcome.Steps, s => s.TaskRun == "pr-greet");
    }

    [Fact]
    public async Task A_failure_it_reports_fails_the_TaskRun_with_its_reason_and_stops_what_depends_on_it()
    {
        var outcome = await Run(Pipeline.Replace("MODE", "refuse", StringComparison.Ordinal));

        Expect.Condition(outcome.Condition, "False", "Failed", "Tasks Completed: 1 (Failed: 1, Cancelled 0), Skipped: 1");
        Expect.Condition(outcome.ConditionOf("greet"), "False", "Refused", "World may not be greeted");
        Assert.Equal(1, outcome.TaskRunOf("greet").Status!.Steps.Single().Terminated!.ExitCode);
        Assert.Equal("PipelineRun was stopping", outcome.SkippedTasks["show"]);
    }

    [Fact]
    public async Task An_exception_fails_the_TaskRun_with_its_message_rather_than_the_run()
    {
        var outcome = await Run(Pipeline.Replace("MODE", "throw", StringComparison.Ordinal));

        Expect.Condition(outcome.ConditionOf("greet"), "False", "Failed", "Greeter failed: the greeting service is down");
        Expect.Condition(outcome.Condition, "False", "Failed", "Tasks Completed: 1 (Failed: 1, Cancelled 0), Skipped: 1");
    }

    [Fact]
    public async Task A_param_without_a_value_or_default_fails_the_PipelineRun_at_its_start_as_for_a_Task()
    {
        var outcome = await Run("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                tasks:
                  - name: greet
                    taskRef: {apiVersion: test.sluice.dev/v1, kind: Greeter}
            """);

        Expect.Condition(outcome.Condition, "False", "PipelineValidationFailed");
        Assert.EndsWith("invalid input params for task Greeter: missing values for these params which have no default values: [name]", outcome.Condition.Message, StringComparison.Ordinal);
        Assert.Empty(outcome.PipelineRun.Status!.ChildReferences);
    }

    [Fact]
    public async Task An_unknown_kind_fails_the_PipelineRun_at_its_start_naming_it()
    {
        var outcome = await new EngineRun { AllowInvalid = true }.RunAsync(Pipeline.Replace("MODE", "ok", StringComparison.Ordinal));

        Expect.Condition(outcome.Condition, "False", "CouldntGetTask");
        Assert.Contains("custom task kind \"Greeter\" (test.sluice.dev/v1) is not known to Sluice", outcome.Condition.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Its_timeout_cancels_it_as_a_Task_times_out()
    {
        var run = new EngineRun { CustomTasks = [new Greeter()], Time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture)) };
        var outcome = await run.RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                tasks:
                  - name: greet
                    timeout: 10s
                    taskRef: {apiVersion: test.sluice.dev/v1, kind: Greeter}
                    params: [{name: name, value: Ada}, {name: mode, value: wait}]
            """);

        Expect.Condition(outcome.ConditionOf("greet"), "False", "TaskRunTimeout", "TaskRun \"pr-greet\" failed to finish within \"10s\"");
        Assert.Equal("TaskRunTimeout", outcome.TaskRunOf("greet").Status!.Steps.Single().Terminated!.Reason);
    }

    private static Task<RunOutcome> Run(string yaml) => new EngineRun { CustomTasks = [new Greeter()] }.RunAsync(yaml);

    /// <summary>Greets by name; its <c>mode</c> param makes it refuse, throw or wait for cancellation.</summary>
    private sealed class Greeter : ICustomTask
    {
        public string ApiVersion => "test.sluice.dev/v1";

        public string Kind => "Greeter";

        public TaskSpec Declaration { get; } = new()
        {
            Params =
            [
                new ParamSpec { Name = "name" },
                new ParamSpec { Name = "greeting", Default = ParamValue.Of("Hello") },
                new ParamSpec { Name = "mode", Default = ParamValue.Of("ok") },
            ],
            Results = [new TaskResult { Name = "message" }],
        };

        public async ValueTask<CustomTaskOutcome> RunAsync(CustomTaskContext context, CancellationToken cancellationToken)
        {
            var name = context.Param("name");
            switch (context.Param("mode"))
            {
                case "refuse":
                    return CustomTaskOutcome.Failed("Refused", $"{name} may not be greeted");
                case "throw":
                    throw new InvalidOperationException("the greeting service is down");
                case "wait":
                    await Task.Delay(Timeout.InfiniteTimeSpan, context.Time, cancellationToken);
                    break;
            }

            await context.Log.WriteLineAsync($"greeting {name}", cancellationToken);
            return CustomTaskOutcome.Success(
                ImmutableDictionary<string, ParamValue>.Empty.Add("message", ParamValue.Of($"{context.Param("greeting")}, {name}!")),
                $"greeted {name}");
        }
    }
}
