using System.Reflection;
using Sluice.Sdk.Programs;

namespace Sluice.Sdk.Tests.Programs;

public sealed class HelpTests
{
    [Fact]
    public async Task Root_help_matches_its_golden_file()
    {
        var (program, _, _, _) = ProgramHarness.ServicePipeline();

        var outcome = await program.CaptureAsync(["--help"]);

        Assert.Equal((0, string.Empty), (outcome.ExitCode, outcome.Error));
        AssertGolden("service-pipeline-help.txt", outcome.Output);
    }

    [Fact]
    public async Task Root_help_lists_every_param_with_its_description_and_default_or_that_it_is_required()
    {
        var (program, _, _, _) = ProgramHarness.ServicePipeline();

        var outcome = await program.CaptureAsync(["-h"]);
        var lines = outcome.Output.ReplaceLineEndings("\n").Split('\n');

        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains(lines, l => l.Contains("--service <VALUE>", StringComparison.Ordinal) && l.EndsWith("The service's directory. [default: src/hello]", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("--registry <VALUE>", StringComparison.Ordinal) && l.EndsWith("Where images go. [required]", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("--platforms <a,b>", StringComparison.Ordinal) && l.EndsWith("Target platforms. [default: linux/amd64,linux/arm64]", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("-p, --param <NAME=VALUE>", StringComparison.Ordinal) && l.Contains("SLUICE_PARAM_<NAME>", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Trim() == "build  Runs build.");
    }

    [Fact]
    public async Task Command_help_shows_the_command_and_the_params_even_when_a_required_one_is_missing()
    {
        var ran = new List<string>();
        var (program, _, _, _) = ProgramHarness.ServicePipeline(ran);

        var outcome = await program.CaptureAsync(["test", "--help"]);

        Assert.Equal((0, string.Empty), (outcome.ExitCode, outcome.Error));
        Assert.Contains("Runs test.", outcome.Output, StringComparison.Ordinal);
        Assert.Contains("service-pipeline test [options]", outcome.Output, StringComparison.Ordinal);
        Assert.Contains("Where images go. [required]", outcome.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Runs build.", outcome.Output, StringComparison.Ordinal);
        Assert.Empty(ran);
    }

    [Fact]
    public async Task Help_marks_the_default_command_and_an_empty_default()
    {
        var program = new PipelineProgram("p", "Does things.");
        program.Param("suffix", "Appended to the tag.", defaultValue: string.Empty);
        program.Command("build", "Builds.", _ => Task.CompletedTask);
        program.Command("all", "Everything.", _ => Task.CompletedTask, isDefault: true);

        var outcome = await program.CaptureAsync(["--help"]);

        Assert.Contains("Appended to the tag. [default: \"\"]", outcome.Output, StringComparison.Ordinal);
        Assert.Contains("Everything. [default]", outcome.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Builds. [default]", outcome.Output, StringComparison.Ordinal);
    }

    private static void AssertGolden(string name, string actual)
    {
        var root = typeof(HelpTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;
        var golden = Path.Combine(root, "tests", "Sluice.Sdk.Tests", "Programs", "Golden", name);
        actual = actual.ReplaceLineEndings("\n");
        if (Environment.GetEnvironmentVariable("SLUICE_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(golden)!);
            File.WriteAllText(golden, actual);
        }

        Assert.Equal(File.ReadAllText(golden), actual);
    }
}
