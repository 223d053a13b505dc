namespace Sluice.Sdk.Tests;

public sealed class ReferenceTests
{
    [Fact]
    public void Param_references_render_as_tekton_variables()
    {
        var url = new ParamReference("url");

        Assert.Equal("$(params.url)", url.ToString());
        Assert.Equal("$(params.url[*])", url.All);
        Assert.Equal("$(params.url.host)", url.Key("host"));
        string text = url;
        Assert.Equal("$(params.url)", text);
    }

    [Fact]
    public void Result_references_name_the_task_and_its_scope()
    {
        Assert.Equal("$(tasks.clone.results.commit)", new TaskResultReference("clone", "commit").ToString());
        Assert.Equal("$(finally.notify.results.sent)", new TaskResultReference("notify", "sent", Finally: true).ToString());
        Assert.Equal("$(tasks.scan.results.images[*])", new TaskResultReference("scan", "images").All);
        Assert.Equal("$(tasks.scan.results.image.digest)", new TaskResultReference("scan", "image").Key("digest"));
    }

    [Fact]
    public void References_interpolate_into_scripts()
    {
        var path = new ResultPathReference("commit");
        var workspace = new WorkspaceReference("source");

        Assert.Equal("git -C $(workspaces.source.path) rev-parse HEAD > $(results.commit.path)", $"git -C {workspace} rev-parse HEAD > {path}");
        Assert.Equal("$(workspaces.source.bound)", workspace.Bound);
        Assert.Equal("$(workspaces.cache.bound)", new PipelineWorkspace("cache").Bound);
    }
}
