using Sluice.Model.Pipelines;

namespace Sluice.Sdk.Tests;

public sealed class TaskBuilderTests
{
    [Fact]
    public void Builds_the_model_task_with_typed_params_results_and_workspaces()
    {
        var task = ReleasePipeline.Build();

        Assert.Equal("dotnet-build", task.Metadata.Name);
        Assert.Equal(["commit", "flags"], task.Spec.Params.Select(p => p.Name));
        Assert.Equal(ParamType.String, task.Spec.Params[0].Type);
        Assert.Null(task.Spec.Params[0].Default);
        Assert.Equal(ParamType.Array, task.Spec.Params[1].Type);
        Assert.Equal(["--nologo"], task.Spec.Params[1].Default!.ArrayValue);
        Assert.Equal("artifact", Assert.Single(task.Spec.Results).Name);
        Assert.Equal("source", Assert.Single(task.Spec.Workspaces).Name);

        var build = task.Spec.Steps[0];
        Assert.Equal(["dotnet", "build"], build.Command);
        Assert.Equal(["$(params.flags[*])", "-p:SourceRevisionId=$(params.commit)"], build.Args);
        Assert.Equal("printf app-$(params.commit) > $(results.artifact.path)", task.Spec.Steps[1].Script);
        Assert.Equal(TimeSpan.FromMinutes(1), task.Spec.Steps[1].Timeout!.Value.Value);

        var template = task.Spec.StepTemplate!;
        Assert.Equal("$(workspaces.source.path)", template.WorkingDir);
        Assert.Equal("1", Assert.Single(template.Env).Value);
        var sidecar = Assert.Single(task.Spec.Sidecars);
        Assert.Equal(("cache", "redis:7"), (sidecar.Name, sidecar.Image));
        Assert.Equal(["--port", "6380"], sidecar.Args);
    }

    [Fact]
    public void Object_params_declare_their_keys()
    {
        var task = new TaskBuilder("deploy");
        var target = task.ObjectParam("target", ["cluster", "namespace"], new Dictionary<string, string> { ["cluster"] = "kind", ["namespace"] = "apps" });
        task.Step("deploy", "alpine:3.20", s => s.Script($"echo {target.Key("cluster")} {target.Key("namespace")}"));

        var param = Assert.Single(task.Build().Spec.Params);

        Assert.Equal(ParamType.Object, param.Type);
        Assert.Equal(["cluster", "namespace"], param.Properties.Keys);
        Assert.Equal("apps", param.Default!.ObjectValue["namespace"]);
    }

    [Fact]
    public void Declaring_a_name_again_replaces_it_in_place()
    {
        var task = new TaskBuilder("greet");
        task.Param("who", "world");
        task.Param("greeting", "hello");
        task.Param("who", "Sluice");
        task.Step("say", "alpine:3.20", s => s.Script("echo one"));
        task.Step("say", "alpine:3.20", s => s.Script("echo two").Env("A", "1").Env("A", "2"));

        var spec = task.Build().Spec;

        Assert.Equal(["who", "greeting"], spec.Params.Select(p => p.Name));
        Assert.Equal("Sluice", spec.Params[0].Default!.StringValue);
        var step = Assert.Single(spec.Steps);
        Assert.Equal("echo two", step.Script);
        Assert.Equal("2", Assert.Single(step.Env).Value);
    }

    [Fact]
    public void A_param_the_task_does_not_declare_fails_with_tektons_message()
    {
        var task = new TaskBuilder("greet");
        task.Step("say", "alpine:3.20", s => s.Script("echo $(params.who)"));

        var error = Assert.Throws<ResourceValidationException>(() => task.Build());

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal("Task/greet", diagnostic.Resource);
        Assert.StartsWith("spec.steps[0]", diagnostic.FieldPath, StringComparison.Ordinal);
        Assert.Equal("non-existent variable `who` in \"echo $(params.who)\"", diagnostic.Message);
        Assert.Contains("Task/greet is not valid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_step_without_an_image_is_reported_with_the_fix()
    {
        var task = new TaskBuilder("bare").Step("run", null, s => s.Script("true"));

        var error = Assert.Throws<ResourceValidationException>(() => task.Build());

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal("missing field(s)", diagnostic.Message);
        Assert.Equal("give the step an image, or set one in stepTemplate", diagnostic.Fix);
    }

    [Fact]
    public void Annotations_and_labels_reach_the_metadata()
    {
        var task = new TaskBuilder("cached").Annotation("sluice.dev/cache", "true").Label("team", "platform")
            .Step("run", "alpine:3.20", s => s.Command("true"));

        var metadata = task.Build().Metadata;

        Assert.Equal("true", metadata.Annotations["sluice.dev/cache"]);
        Assert.Equal("platform", metadata.Labels["team"]);
    }
}
