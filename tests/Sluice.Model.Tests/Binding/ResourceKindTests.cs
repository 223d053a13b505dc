using Sluice.Model.Diagnostics;
using Sluice.Model.Kubernetes;
using Sluice.Model.Loading;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;
using Sluice.Model.Tests.Support;

namespace Sluice.Model.Tests.Binding;

public sealed class ResourceKindTests
{
    [Fact]
    public void A_Task_binds()
    {
        var loaded = Loaded.Validate(Samples.Task("""
            params:
              - name: who
                default: world
            steps:
              - name: hello
                image: busybox
                script: echo hello $(params.who)
            """));

        loaded.Clean();
        var task = loaded.Single<TaskDefinition>();
        Assert.Equal("t", task.Metadata.Name);
        Assert.Equal("tekton.dev/v1", task.ApiVersion);
        Assert.Equal("hello", Assert.Single(task.Spec.Steps).Name);
        Assert.Equal("world", Assert.Single(task.Spec.Params).Default!.StringValue);
    }

    [Fact]
    public void A_Pipeline_binds()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("""
            tasks:
              - name: a
                taskRef: {name: t}
              - name: b
                runAfter: [a]
                taskRef: {name: t}
            finally:
              - name: f
                taskRef: {name: t}
            """));

        loaded.Clean();
        var pipeline = loaded.Single<PipelineDefinition>();
        Assert.Equal(["a", "b"], pipeline.Spec.Tasks.Select(t => t.Name));
        Assert.Equal(["a"], pipeline.Spec.Tasks[1].RunAfter);
        Assert.Equal("f", Assert.Single(pipeline.Spec.Finally).Name);
    }

    [Fact]
    public void A_TaskRun_binds()
    {
        var loaded = Loaded.Validate(Samples.TaskRun("""
            taskRef: {name: t}
            timeout: 1h30m
            params:
              - name: p
                value: v
            workspaces:
              - name: w
                emptyDir: {}
            """));

        loaded.Clean();
        var run = loaded.Single<TaskRun>();
        Assert.Equal("t", run.Spec.TaskRef!.Name);
        Assert.Equal(TimeSpan.FromMinutes(90), run.Spec.Timeout!.Value.Value);
        Assert.NotNull(Assert.Single(run.Spec.Workspaces).EmptyDir);
    }

    [Fact]
    public void A_PipelineRun_binds()
    {
        var loaded = Loaded.Validate(Samples.PipelineRun("""
            pipelineRef: {name: p}
            timeouts:
              pipeline: 2h
              tasks: 1h
            taskRunTemplate:
              serviceAccountName: builder
            """));

        loaded.Clean();
        var run = loaded.Single<PipelineRun>();
        Assert.Equal("p", run.Spec.PipelineRef!.Name);
        Assert.Equal(TimeSpan.FromHours(2), run.Spec.Timeouts!.Pipeline!.Value.Value);
        Assert.Equal("builder", run.Spec.TaskRunTemplate!.ServiceAccountName);
    }

    [Theory]
    [InlineData("tekton.dev/v1beta1")]
    [InlineData("tekton.dev/v1alpha1")]
    [InlineData("tekton.dev/v1")]
    public void A_StepAction_binds(string apiVersion)
    {
        var loaded = Loaded.Validate($"apiVersion: {apiVersion}\nkind: StepAction\nmetadata:\n  name: s\nspec:\n  image: busybox\n  script: echo\n");

        loaded.Clean();
        var action = loaded.Single<StepActionDefinition>();
        Assert.Equal(apiVersion, action.ApiVersion);
        Assert.Equal("busybox", action.Spec.Image);
    }

    [Fact]
    public void Kubernetes_objects_bind()
    {
        var loaded = Loaded.Validate("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: c}
            data: {key: value}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: s}
            stringData: {token: x}
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: sa}
            ---
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: claim}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d}
            spec: {replicas: 1}
            """);

        loaded.Clean();
        Assert.Collection(
            loaded.Resources.Select(r => r.Resource),
            r => Assert.Equal("value", Assert.IsType<ConfigMap>(r).Data["key"]),
            r => Assert.IsType<Secret>(r),
            r => Assert.IsType<ServiceAccount>(r),
            r => Assert.IsType<PersistentVolumeClaim>(r),
            r => Assert.Equal("Deployment", Assert.IsType<OtherResource>(r).Kind));
        Assert.Equal([0, 1, 2, 3, 4], loaded.Resources.Select(r => r.DocumentIndex));
    }

    [Theory]
    [InlineData("Task", typeof(TaskDefinition))]
    [InlineData("Pipeline", typeof(PipelineDefinition))]
    [InlineData("TaskRun", typeof(TaskRun))]
    [InlineData("PipelineRun", typeof(PipelineRun))]
    public void A_v1beta1_kind_is_read_as_its_v1_form(string kind, Type type)
    {
        var loaded = Loaded.Read($"apiVersion: tekton.dev/v1beta1\nkind: {kind}\nmetadata:\n  name: x\nspec: {{}}\n");

        loaded.Clean();
        var resource = Assert.Single(loaded.Resources).Resource;
        Assert.IsType(type, resource);
        Assert.Equal("tekton.dev/v1", resource.ApiVersion);
    }

    [Theory]
    [InlineData("Task")]
    [InlineData("PipelineRun")]
    public void A_Tekton_version_other_than_v1_and_v1beta1_is_refused_with_the_migration_message(string kind)
    {
        var loaded = Loaded.Read($"apiVersion: tekton.dev/v1alpha1\nkind: {kind}\nmetadata:\n  name: x\nspec: {{}}\n");

        Assert.Empty(loaded.Resources);
        var diagnostic = loaded.Expect($"Sluice reads Tekton's v1 API and converts v1beta1; {kind} is given as tekton.dev/v1alpha1", "apiVersion");
        loaded.At(diagnostic, "tekton.dev/v1alpha1");
        Assert.Contains("tekton.dev/v1", diagnostic.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_Tekton_kind_is_refused_at_the_kind()
    {
        var loaded = Loaded.Read("apiVersion: tekton.dev/v1\nkind: Tsk\nmetadata:\n  name: x\n");

        var diagnostic = loaded.Expect("unknown Tekton kind \"Tsk\" in tekton.dev/v1", "kind");
        loaded.At(diagnostic, "Tsk");
    }

    [Theory]
    [InlineData("kind: Task\nmetadata: {name: x}\n", "apiVersion")]
    [InlineData("apiVersion: tekton.dev/v1\nmetadata: {name: x}\n", "kind")]
    public void A_document_without_apiVersion_or_kind_is_refused(string yaml, string field)
    {
        var loaded = Loaded.Read(yaml);

        Assert.Empty(loaded.Resources);
        var diagnostic = loaded.Expect($"missing field \"{field}\"", field);
        Assert.Equal(1, diagnostic.Location.Line);
    }

    [Fact]
    public void A_document_that_is_not_a_mapping_is_refused()
    {
        var loaded = Loaded.Read("- a\n- b\n");

        var diagnostic = loaded.ExpectWhere(d => d.Message.StartsWith("a resource must be a mapping", StringComparison.Ordinal), "a not-a-mapping message");
        Assert.Equal(1, diagnostic.Location.Line);
    }

    [Fact]
    public void A_name_defined_twice_is_reported()
    {
        var loaded = Loaded.Validate(Samples.Task("steps: [{image: busybox}]") + "---\n" + Samples.Task("steps: [{image: busybox}]"));

        var diagnostic = loaded.ExpectWhere(d => d.Message.StartsWith("Task \"t\" is defined twice", StringComparison.Ordinal), "a duplicate definition");
        Assert.Equal("metadata.name", diagnostic.FieldPath);
        loaded.At(diagnostic, "name: t", occurrence: 2);
        Assert.EndsWith("the first is at test.yaml:4:3", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_name_in_two_files_is_allowed_and_a_run_finds_its_own_files_definition_first()
    {
        var diagnostics = new DiagnosticBag();
        var first = ResourceReader.ReadText(Samples.Task("steps: [{image: first}]"), "a.yaml", diagnostics);
        var second = ResourceReader.ReadText(Samples.Task("steps: [{image: second}]"), "b.yaml", diagnostics);

        var set = ResourceSet.FromResources([.. first, .. second], diagnostics);

        Assert.True(diagnostics.ToImmutable().IsEmpty, string.Join("\n", diagnostics.ToImmutable()));
        Assert.Equal("first", ((TaskDefinition)set.FindTask("t")!.Resource).Spec.Steps[0].Image);
        Assert.Equal("second", ((TaskDefinition)set.Scoped("b.yaml").FindTask("t")!.Resource).Spec.Steps[0].Image);
        Assert.Equal("first", ((TaskDefinition)set.Scoped("c.yaml").FindTask("t")!.Resource).Spec.Steps[0].Image);
    }
}
