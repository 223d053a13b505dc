using Sluice.Model.Diagnostics;
using Sluice.Model.Loading;
using Sluice.Model.Tasks;
using Sluice.Model.Tests.Support;

namespace Sluice.Model.Tests.Conversion;

/// <summary>The six catalog tasks of the shared conformance data load unchanged, five of them from v1beta1.</summary>
public sealed class CatalogTaskTests
{
    public static TheoryData<string, string> Tasks => new()
    {
        { "wget/0.1/wget.yaml", "tekton.dev/v1beta1" },
        { "curl/0.1/curl.yaml", "tekton.dev/v1beta1" },
        { "git-cli/0.4/git-cli.yaml", "tekton.dev/v1beta1" },
        { "send-to-webhook-slack/0.1/send-to-webhook-slack.yaml", "tekton.dev/v1beta1" },
        { "golang-build/0.3/golang-build.yaml", "tekton.dev/v1beta1" },
        { "jq/0.1/jq.yaml", "tekton.dev/v1" },
    };

    [Theory]
    [MemberData(nameof(Tasks))]
    public void A_catalog_task_validates_unchanged(string file, string writtenAs)
    {
        var path = Path.GetFullPath(Path.Combine(ConformanceExamples.Directory, "..", "catalog", file));
        Assert.Contains($"apiVersion: {writtenAs}\n", File.ReadAllText(path), StringComparison.Ordinal);
        var diagnostics = new DiagnosticBag();

        var resources = ResourceSet.Load([path], diagnostics);

        Assert.True(!diagnostics.HasErrors, string.Join("\n", diagnostics.ToImmutable()));
        var task = Assert.IsType<TaskDefinition>(Assert.Single(resources.Resources).Resource);
        Assert.Equal("tekton.dev/v1", task.ApiVersion);
        Assert.Equal(Path.GetFileNameWithoutExtension(file), task.Metadata.Name);
        Assert.NotEmpty(task.Spec.Steps);
    }
}
