using Sluice.Engine.Tests.Harness;

namespace Sluice.Engine.Tests;

/// <summary>
/// stdoutConfig and stderrConfig: cmd/entrypoint/runner.go (realRunner.Run: the stream goes to the log and,
/// through io.MultiWriter, to a file opened for appending; newStdLogWriter creates it and its directories).
/// </summary>
public sealed class StepOutputFileTests
{
    [Fact]
    public async Task A_steps_output_is_also_written_to_its_stdout_path_in_a_volume()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              taskSpec:
                volumes:
                  - name: data
                    emptyDir: {}
                steps:
                  - name: first
                    image: alpine
                    volumeMounts:
                      - {name: data, mountPath: /data}
                    script: echo hello
                    stdoutConfig:
                      path: /data/logs/out
                  - name: second
                    image: alpine
                    volumeMounts:
                      - {name: data, mountPath: /data}
                    script: echo again
                    stdoutConfig:
                      path: /data/logs/../logs/out
                  - name: read
                    image: alpine
                    volumeMounts:
                      - {name: data, mountPath: /data}
                    script: cat /data/logs/out
            """);

        Expect.Condition(outcome.Condition, "True", "Succeeded");
        Assert.Equal("hello\nagain\nhello\nagain\n", outcome.LogOf("tr"));
    }

    [Fact]
    public async Task A_stdout_path_that_is_a_result_path_makes_the_result()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              taskSpec:
                results:
                  - name: digest
                steps:
                  - name: digest
                    image: alpine
                    script: echo sha256:abc
                    stdoutConfig:
                      path: $(results.digest.path)
            """);

        Expect.Condition(outcome.Condition, "True", "Succeeded");
        Assert.Equal("sha256:abc\n", outcome.Results["digest"].StringValue);
        Assert.Equal("sha256:abc\n", outcome.LogOf("tr"));
    }
}
