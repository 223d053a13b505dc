using System.Reflection;
using Sluice.Model;
using Sluice.Model.Diagnostics;
using Sluice.Model.Loading;
using Sluice.Model.Writing;

namespace Sluice.Sdk.Tests;

public sealed class RoundTripTests
{
    [Fact]
    public void An_exported_pipeline_reads_back_as_the_same_model_and_passes_validation()
    {
        var built = ReleasePipeline.Definition();

        var read = ReadBack(ReleasePipeline.Create().ToYaml());

        AssertSameModel(built, read);
    }

    [Fact]
    public void Exported_tasks_and_runs_read_back_as_the_same_model()
    {
        IResource[] resources =
        [
            ReleasePipeline.GitClone(),
            ReleasePipeline.Build(),
            new TaskRunBuilder("clone-run").Task(ReleasePipeline.GitClone()).Param("url", "https://git.example/app.git").EmptyDirWorkspace("output").Timeout(TimeSpan.FromSeconds(90)).Build(),
            new PipelineRunBuilder("release-1").Pipeline(ReleasePipeline.Definition().Spec).Param("url", "https://git.example/app.git")
                .ClaimWorkspace("source", "app").Timeouts(pipeline: TimeSpan.FromHours(2)).Build(),
        ];

        foreach (var resource in resources)
        {
            AssertSameModel(resource, ReadBack(YamlText.Write(resource)));
        }
    }

    [Fact]
    public void The_exported_yaml_of_the_release_pipeline_matches_its_golden_file()
    {
        var root = typeof(RoundTripTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;
        var golden = Path.Combine(root, "tests", "Sluice.Sdk.Tests", "Golden", "release-pipeline.yaml");
        var yaml = ReleasePipeline.Create().ToYaml();
        if (Environment.GetEnvironmentVariable("SLUICE_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(golden, yaml);
        }

        Assert.Equal(File.ReadAllText(golden), yaml);
    }

    private static IResource ReadBack(string yaml)
    {
        var diagnostics = new DiagnosticBag();
        var loaded = ResourceReader.ReadText(yaml, "exported.yaml", diagnostics);
        ResourceSet.FromResources(loaded, diagnostics);
        Assert.Empty(diagnostics.ToImmutable());
        return Assert.Single(loaded).Resource;
    }

    // The records hold immutable arrays, which compare by reference; their JSON form compares every field.
    private static void AssertSameModel(IResource expected, IResource actual)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        Assert.Equal(JsonText.Write(expected, indented: true), JsonText.Write(actual, indented: true));
    }
}
