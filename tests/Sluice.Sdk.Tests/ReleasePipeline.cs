using Sluice.Model.Pipelines;
using Sluice.Model.Tasks;

namespace Sluice.Sdk.Tests;

/// <summary>A service pipeline that uses every part of the builders: clone, build, test, publish, notify.</summary>
internal static class ReleasePipeline
{
    public static TaskDefinition GitClone()
    {
        var task = new TaskBuilder("git-clone").Description("Clones a repository and reports the commit.");
        var url = task.Param("url", description: "The repository to clone.");
        var revision = task.Param("revision", "main");
        var output = task.Workspace("output", "Where the sources land.");
        var commit = task.Result("commit", "The commit cloned.");
        task.Step("clone", "alpine/git:2.45.2", s => s
            .WorkingDir(output)
            .Script($"""
                git clone --depth 1 --branch "{revision}" "{url}" .
                git rev-parse HEAD | tr -d '\n' > "{commit}"
                """));
        return task.Build();
    }

    public static TaskDefinition Build()
    {
        var task = new TaskBuilder("dotnet-build");
        var commit = task.Param("commit");
        var flags = task.ArrayParam("flags", ["--nologo"]);
        var source = task.Workspace("source", readOnly: false);
        var artifact = task.Result("artifact");
        task.StepTemplate(t => t.Env("DOTNET_CLI_TELEMETRY_OPTOUT", "1").WorkingDir(source));
        task.Step("build", "mcr.microsoft.com/dotnet/sdk:10.0", s => s
            .Command("dotnet", "build")
            .Args(flags.All, $"-p:SourceRevisionId={commit}"));
        task.Step("report", "alpine:3.20", s => s.Script($"printf app-{commit} > {artifact}").Timeout(TimeSpan.FromMinutes(1)));
        task.Sidecar("cache", "redis:7", s => s.Args("--port", "6380"));
        return task.Build();
    }

    public static PipelineBuilder Create()
    {
        var gitClone = GitClone();
        var build = Build();
        var pipeline = new PipelineBuilder("release").Description("Builds and publishes a service.");
        pipeline.Annotation("sluice.dev/cache", "true");
        var url = pipeline.Param("url");
        var publish = pipeline.Param("publish", "true");
        var targets = pipeline.ObjectParam("registry", ["host", "repository"], new Dictionary<string, string> { ["host"] = "localhost:5000", ["repository"] = "app" });
        var source = pipeline.Workspace("source");
        var clone = pipeline.Task("clone", gitClone, t => t
            .Param("url", url)
            .Workspace("output", source)
            .Retries(2)
            .Timeout(TimeSpan.FromMinutes(5)));
        var compile = pipeline.Task("build", build, t => t
            .Param("commit", clone.Result("commit"))
            .Param("flags", ["--nologo", "-c", "Release"])
            .Workspace("source", source, subPath: "app"));
        var test = new TaskBuilder("unit-tests");
        var testsWorkspace = test.Workspace("source");
        test.Step("test", "mcr.microsoft.com/dotnet/sdk:10.0", s => s.WorkingDir(testsWorkspace).Script("dotnet test"));
        var tests = pipeline.Task("test", test.BuildSpec(), t => t.Workspace("source", source).RunAfter(compile));
        var push = new TaskBuilder("push");
        var image = push.Param("image");
        var digest = push.Result("digest");
        push.Step("push", "alpine:3.20", s => s.Script($"echo pushing {image}; printf sha256:0 > {digest}"));
        var pushed = pipeline.Task("publish", push.BuildSpec(), t => t
            .Param("image", $"{targets.Key("host")}/{targets.Key("repository")}:{clone.Result("commit")}")
            .WhenIn(publish, "true")
            .RunAfter(tests));
        var notify = new TaskBuilder("notify");
        var outcome = notify.Param("outcome");
        notify.Step("notify", "alpine:3.20", s => s.Script($"echo build {outcome}"));
        pipeline.Finally("notify", notify.BuildSpec(), t => t
            .Param("outcome", compile.Status)
            .WhenNotIn(compile.Status, "None"));
        pipeline.Result("commit", clone.Result("commit"), "The commit built.");
        pipeline.Result("digest", pushed.Result("digest"));
        return pipeline;
    }

    public static PipelineDefinition Definition() => Create().Build();

    public static string YamlWithTasks() =>
        $"{Model.Writing.YamlText.Write(GitClone())}---\n{Model.Writing.YamlText.Write(Build())}---\n{Create().ToYaml()}";
}
