using Sluice.Engine.Execution;
using Sluice.Engine.Tests.Harness;
using Sluice.Testing;

namespace Sluice.Engine.Tests;

/// <summary>The test-script language itself, so that a broken interpreter cannot pass for a broken engine.</summary>
public sealed class ScriptInterpreterTests
{
    private static readonly ContainerSpec Step = new()
    {
        Name = "step-s",
        Argv = ["/tekton/scripts/script-0"],
        Mounts = [new Mount("results", "/tekton/results"), new Mount("ws", "/workspace/src", SubPath: "sub")],
    };

    [Fact]
    public void Commands_print_write_sleep_and_exit_in_order()
    {
        var behaviour = new ScriptInterpreter().Interpret(Call("#!/bin/sh\nset -e\n# a comment\necho hello world\nwrite /tekton/results/r some value\nsleep 0.5\nexit 4\necho after exit"));

        Assert.Equal(("hello world\n", 4, TimeSpan.FromSeconds(0.5)), (behaviour.Output, behaviour.ExitCode, behaviour.Delay));
        Assert.Equal(new Dictionary<string, string> { ["/tekton/results/r"] = "some value" }, behaviour.Writes);
    }

    [Fact]
    public void Cat_prints_what_an_earlier_step_or_the_engine_wrote_through_the_containers_mounts()
    {
        var interpreter = new ScriptInterpreter();
        interpreter.Interpret(Call("write /workspace/src/file from step"));
        interpreter.RecordEngineWrite("tr", "results", "exitCode", "0"u8.ToArray());

        var behaviour = interpreter.Interpret(Call("cat /workspace/src/file\ncat /tekton/results/exitCode\ncat /nowhere"));

        Assert.Equal("from step0cat: /nowhere: No such file or directory\n", behaviour.Output);
    }

    [Fact]
    public void Fail_first_attempt_fails_only_the_first_run_of_a_step_of_a_taskrun()
    {
        var interpreter = new ScriptInterpreter();

        Assert.Equal(1, interpreter.Interpret(Call("fail-first-attempt\necho ok")).ExitCode);
        Assert.Equal(0, interpreter.Interpret(Call("fail-first-attempt\necho ok")).ExitCode);
        Assert.Equal([1, 2], interpreter.Steps.Select(s => s.Attempt));
    }

    [Fact]
    public void A_step_without_a_script_runs_its_argv_and_an_unknown_command_exits_127()
    {
        var interpreter = new ScriptInterpreter();

        var echo = interpreter.Interpret(new StepCall(new SandboxSpec { TaskRunName = "tr" }, Step with { Argv = ["echo", "a", "b"] }, null));
        var unknown = interpreter.Interpret(Call("ls -l"));

        Assert.Equal("a b\n", echo.Output);
        Assert.Equal((127, "unknown test command: ls -l\n"), (unknown.ExitCode, unknown.Output));
    }

    [Fact]
    public async Task Signal_completes_the_wait_for_its_name()
    {
        var interpreter = new ScriptInterpreter();
        var waiting = interpreter.WaitForSignalAsync("ready");
        Assert.False(waiting.IsCompleted);

        interpreter.Interpret(Call("signal ready"));

        await waiting.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    private static StepCall Call(string script) => new(new SandboxSpec { TaskRunName = "tr" }, Step, script);
}
