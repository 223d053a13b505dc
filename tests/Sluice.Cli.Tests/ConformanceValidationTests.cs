namespace Sluice.Cli.Tests;

/// <summary>
/// Tekton's own examples are valid input: <c>sluice validate</c> accepts each of them, except the one
/// Tekton itself refuses.
/// </summary>
public sealed class ConformanceValidationTests
{
    private const int ExampleCount = 152;

    private static readonly string[] RefusedByTekton = ["pipelineruns/no-ci/compressed-results-pipeline.yaml"];

    public static TheoryData<string> Examples
    {
        get
        {
            try
            {
                return [.. Directory.EnumerateFiles(RepositoryPaths.TektonV1, "*.yaml", SearchOption.AllDirectories)
                    .Select(f => Path.GetRelativePath(RepositoryPaths.TektonV1, f))
                    .Order(StringComparer.Ordinal)];
            }
            catch (InvalidOperationException)
            {
                // Reported by the tests below with the message that says what to set.
                return ["(the conformance examples are missing)"];
            }
        }
    }

    [Fact]
    public void All_the_examples_are_there()
    {
        var count = Directory.EnumerateFiles(RepositoryPaths.TektonV1, "*.yaml", SearchOption.AllDirectories).Count();

        Assert.Equal(ExampleCount, count);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Validate_accepts_the_example(string example)
    {
        var path = Path.Combine(RepositoryPaths.TektonV1, example);

        var outcome = await SluiceCommandLine.InvokeAsync("validate", "--no-color", path);

        if (RefusedByTekton.Contains(example))
        {
            Assert.True(outcome.ExitCode == ExitCodes.InvalidInput, $"Tekton refuses {example}, sluice validate accepted it:\n{outcome.Stdout}");
            Assert.StartsWith(path + ":", outcome.Stderr, StringComparison.Ordinal);
        }
        else
        {
            Assert.True(outcome.ExitCode == ExitCodes.Success, $"{example} is one of Tekton's examples, sluice validate refused it (exit {outcome.ExitCode}):\n{outcome.Stderr}");
            Assert.Equal(string.Empty, outcome.Stderr);
            Assert.EndsWith(": valid", outcome.Stdout.TrimEnd(), StringComparison.Ordinal);
        }
    }
}
