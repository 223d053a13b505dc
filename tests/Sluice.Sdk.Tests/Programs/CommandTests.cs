using Sluice.Sdk.Containers;
using Sluice.Sdk.Programs;

namespace Sluice.Sdk.Tests.Programs;

public sealed class CommandTests
{
    [Fact]
    public async Task The_named_command_runs_and_no_other()
    {
        var ran = new List<string>();
        var (program, _, _, _) = ProgramHarness.ServicePipeline(ran);

        var outcome = await program.CaptureAsync(["test", "--registry", "r"]);

        Assert.Equal((0, "", ""), (outcome.ExitCode, outcome.Output, outcome.Error));
        Assert.Equal(["test"], ran);
    }

    [Fact]
    public async Task The_only_command_runs_when_none_is_named()
    {
        var program = new PipelineProgram("p");
        var ran = 0;
        program.Command("build", "Builds.", _ => Task.FromResult(ran++));

        var outcome = await program.CaptureAsync([]);

        Assert.Equal((0, 1), (outcome.ExitCode, ran));
    }

    [Fact]
    public async Task The_default_command_runs_when_none_is_named()
    {
        var program = new PipelineProgram("p");
        var ran = new List<string>();
        program.Command("build", "Builds.", _ => Task.Run(() => ran.Add("build")));
        program.Command("all", "Everything.", _ => Task.Run(() => ran.Add("all")), isDefault: true);

        var outcome = await program.CaptureAsync([]);

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(["all"], ran);
    }

    [Fact]
    public async Task Without_a_command_to_run_help_and_the_commands_go_to_stderr_with_exit_2()
    {
        var ran = new List<string>();
        var (program, _, _, _) = ProgramHarness.ServicePipeline(ran);

        var outcome = await program.CaptureAsync(["--registry", "r"]);

        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal(string.Empty, outcome.Output);
        Assert.Contains("Usage:", outcome.Error, StringComparison.Ordinal);
        Assert.EndsWith("error: name a command to run: build, test and all, such as service-pipeline build\n", outcome.Error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Empty(ran);
    }

    [Fact]
    public async Task A_command_that_throws_prints_its_message_without_a_stack_trace_and_exits_1()
    {
        var program = new PipelineProgram("p");
        program.Command("publish", "Publishes.", _ => throw new InvalidOperationException("registry refused the push"));

        var outcome = await program.CaptureAsync(["publish"]);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal("error: publish failed: registry refused the push\n", outcome.Error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task A_failed_exec_is_reported_by_its_message()
    {
        var program = new PipelineProgram("p");
        var failure = new ExecFailedException(["dotnet", "test"], 3, "1 test failed");
        program.Command("test", "Tests.", async cancellationToken =>
        {
            await Task.Yield();
            throw failure;
        });

        var outcome = await program.CaptureAsync(["test"]);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal($"error: test failed: {failure.Message}\n", outcome.Error.ReplaceLineEndings("\n"));
        Assert.DoesNotContain(" at ", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_command_exits_130_as_after_ctrl_c()
    {
        var program = new PipelineProgram("p");
        using var started = new SemaphoreSlim(0);
        program.Command("wait", "Waits until cancelled.", async cancellationToken =>
        {
            started.Release();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        });
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var running = program.CaptureUntilAsync(["wait"], null, interrupt.Token);
        await started.WaitAsync(TestContext.Current.CancellationToken);
        await interrupt.CancelAsync();
        var outcome = await running;

        Assert.Equal(130, outcome.ExitCode);
        Assert.Equal("wait: cancelled\n", outcome.Error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task A_cancellation_nobody_asked_for_is_a_failure()
    {
        var program = new PipelineProgram("p");
        program.Command("fetch", "Fetches.", _ => throw new TaskCanceledException("the request timed out"));

        var outcome = await program.CaptureAsync(["fetch"]);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal("error: fetch failed: the request timed out\n", outcome.Error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task A_program_without_commands_is_a_bug_in_the_program()
    {
        var program = new PipelineProgram("p");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => program.CaptureAsync([]));

        Assert.Contains("add one with Command(name, description, action)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Declarations_that_the_command_line_could_not_tell_apart_are_refused()
    {
        var program = new PipelineProgram("p");
        program.Param("service");
        program.Command("build", "Builds.", _ => Task.CompletedTask, isDefault: true);

        Assert.Contains("already declares param \"service\"", Assert.Throws<ArgumentException>(() => program.ArrayParam("service")).Message, StringComparison.Ordinal);
        Assert.Contains("--help is the program's own option", Assert.Throws<ArgumentException>(() => program.Param("help")).Message, StringComparison.Ordinal);
        Assert.Contains("--param is the program's own option", Assert.Throws<ArgumentException>(() => program.Param("param")).Message, StringComparison.Ordinal);
        Assert.Contains("is not a param name", Assert.Throws<ArgumentException>(() => program.Param("two words")).Message, StringComparison.Ordinal);
        Assert.Contains("already has a command \"build\"", Assert.Throws<ArgumentException>(() => program.Command("build", "Again.", _ => Task.CompletedTask)).Message, StringComparison.Ordinal);
        Assert.Contains("is not a command name", Assert.Throws<ArgumentException>(() => program.Command("--build", "Dashes.", _ => Task.CompletedTask)).Message, StringComparison.Ordinal);
        Assert.Contains("already runs \"build\" by default", Assert.Throws<ArgumentException>(() => program.Command("all", "All.", _ => Task.CompletedTask, isDefault: true)).Message, StringComparison.Ordinal);
    }
}
