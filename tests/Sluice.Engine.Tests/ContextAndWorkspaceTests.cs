using Sluice.Engine.Tests.Harness;

namespace Sluice.Engine.Tests;

/// <summary>
/// Context and workspace variables: pkg/reconciler/taskrun/resources/apply.go (getContextReplacements,
/// ApplyWorkspaces, applyWorkspaceMountPath), pkg/reconciler/pipelinerun/resources/apply.go
/// (GetContextReplacements, propagateParams), pkg/apis/pipeline/v1/workspace_types.go (GetMountPath).
/// </summary>
public sealed class ContextAndWorkspaceTests
{
    [Fact]
    public async Task TaskRun_context_variables_name_the_taskrun_its_task_and_namespace()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: Task
            metadata:
              name: describe
            spec:
              steps:
                - name: show
                  image: alpine
                  script: |
                    echo taskRun=$(context.taskRun.name)
                    echo task=$(context.task.name)
                    echo namespace=$(context.taskRun.namespace)
                    echo uid=$(context.taskRun.uid)
                    echo retry=$(context.task.retry-count)
            ---
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
              namespace: ci
            spec:
              taskRef:
                name: describe
            """);

        var uid = outcome.TaskRun.Metadata.Uid;
        Assert.Equal($"taskRun=tr\ntask=describe\nnamespace=ci\nuid={uid}\nretry=0\n", outcome.LogOf("tr"));
    }

    [Fact]
    public async Task PipelineRun_context_variables_reach_params_and_inline_specs()
    {
        // For an inline taskSpec, context.task.name is the TaskRun's name (GetTaskData uses the TaskRun's
        // metadata for an embedded spec).
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: Pipeline
            metadata:
              name: release
            spec:
              tasks:
                - name: show
                  params:
                    - {name: run, value: "$(context.pipelineRun.name)"}
                  taskSpec:
                    params: [{name: run}]
                    steps:
                      - name: show
                        image: alpine
                        script: |
                          echo param=$(params.run)
                          echo pipeline=$(context.pipeline.name) run=$(context.pipelineRun.name) ns=$(context.pipelineRun.namespace) uid=$(context.pipelineRun.uid)
                          echo taskRun=$(context.taskRun.name) task=$(context.task.name)
            ---
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineRef:
                name: release
            """);

        var uid = outcome.PipelineRun.Metadata.Uid;
        Assert.Equal($"param=pr\npipeline=release run=pr ns=default uid={uid}\ntaskRun=pr-show task=pr-show\n", outcome.LogOfTask("show"));
    }

    [Fact]
    public async Task Workspace_variables_give_bound_path_claim_and_volume()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              workspaces:
                - name: source
                  emptyDir: {}
                - name: data
                  persistentVolumeClaim:
                    claimName: my-claim
                - name: custom
                  emptyDir: {}
              taskSpec:
                workspaces:
                  - name: source
                  - name: data
                  - name: custom
                    mountPath: /custom
                  - name: cache
                    optional: true
                steps:
                  - name: show
                    image: alpine
                    script: |
                      echo source=$(workspaces.source.bound) $(workspaces.source.path) [$(workspaces.source.claim)]
                      echo data=$(workspaces.data.bound) $(workspaces.data.path) [$(workspaces.data.claim)]
                      echo custom=$(workspaces.custom.path)
                      echo cache=$(workspaces.cache.bound) [$(workspaces.cache.path)]
                      echo volume=$(workspaces.source.volume)
            """);

        var lines = outcome.LogOf("tr").Split('\n');
        Assert.Equal("source=true /workspace/source []", lines[0]);
        Assert.Equal("data=true /workspace/data [my-claim]", lines[1]);
        Assert.Equal("custom=/custom", lines[2]);
        Assert.Equal("cache=false []", lines[3]);
        Assert.StartsWith("volume=ws-", lines[4], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_written_to_a_workspace_is_where_the_workspace_is_mounted()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              workspaces:
                - name: source
                  emptyDir: {}
              taskSpec:
                workspaces:
                  - name: source
                steps:
                  - name: write
                    image: alpine
                    script: write $(workspaces.source.path)/greeting hi
                  - name: read
                    image: alpine
                    script: cat /workspace/source/greeting
            """);

        Assert.Equal("hi", outcome.LogOf("tr"));
    }

    [Fact]
    public async Task A_pipeline_workspace_is_bound_under_the_tasks_own_workspace_name()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              workspaces:
                - name: shared
                  persistentVolumeClaim:
                    claimName: team-cache
              pipelineSpec:
                workspaces:
                  - name: shared
                tasks:
                  - name: use
                    workspaces:
                      - {name: output, workspace: shared, subPath: sub}
                    taskSpec:
                      workspaces: [{name: output}]
                      steps: [{name: show, image: alpine, script: "echo $(workspaces.output.path) $(workspaces.output.claim)"}]
            """);

        Assert.Equal("/workspace/output team-cache\n", outcome.LogOfTask("use"));
        var binding = Assert.Single(outcome.TaskRunOf("use").Spec.Workspaces);
        Assert.Equal(("output", "sub", "team-cache"), (binding.Name, binding.SubPath, binding.PersistentVolumeClaim!.ClaimName));
    }
}
