using Sluice.Engine.Tests.Harness;

namespace Sluice.Engine.Tests;

/// <summary>
/// Compute resources of steps and sidecars, and the TaskRun's stepSpecs and sidecarSpecs that replace them:
/// pkg/pod/pod.go (applyStepOverrides, applySidecarOverrides: the override's requirements replace the
/// container's whole). Limits become the container's CPU and memory limits.
/// </summary>
public sealed class ComputeResourceTests
{
    [Fact]
    public async Task A_stepSpecs_limit_replaces_the_steps_own_and_sidecarSpecs_the_sidecars()
    {
        var run = new EngineRun();
        var outcome = await run.RunAsync("""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              stepSpecs:
                - name: build
                  computeResources: {limits: {memory: 256Mi}}
              sidecarSpecs:
                - name: db
                  computeResources: {limits: {memory: 64Mi, cpu: 250m}}
              taskSpec:
                sidecars:
                  - name: db
                    image: alpine
                    computeResources: {limits: {memory: 128Mi}}
                    script: echo db
                steps:
                  - name: build
                    image: alpine
                    computeResources: {limits: {memory: 1Gi, cpu: "2"}}
                    script: echo build
                  - name: test
                    image: alpine
                    computeResources: {limits: {memory: 512Mi, cpu: 500m}}
                    script: echo test
            """);

        Expect.Condition(outcome.Condition, "True", "Succeeded", "All Steps have completed executing");
        var steps = run.Executor.StepContainers.ToDictionary(c => c.Name);
        Assert.Equal((256L << 20, (long?)null), (steps["step-build"].MemoryBytes, steps["step-build"].NanoCpus));
        Assert.Equal((512L << 20, (long?)500_000_000), (steps["step-test"].MemoryBytes, steps["step-test"].NanoCpus));
        var sidecar = Assert.Single(Assert.Single(run.Executor.SandboxSpecs).Sidecars).Container;
        Assert.Equal((64L << 20, (long?)250_000_000), (sidecar.MemoryBytes, sidecar.NanoCpus));
    }
}
