namespace Sluice.Cli.Tests;

/// <summary>
/// Tekton's tier 3 examples need a cluster (remote resolvers, LimitRange, Windows nodes, CSI, RBAC...):
/// <c>sluice validate</c> accepts them, and <c>sluice run</c> refuses each before anything starts, with
/// a sentence that names the feature and the file position it comes from.
/// </summary>
public sealed class ClusterOnlyExampleTests
{
    public static TheoryData<string> TierThree
    {
        get
        {
            try
            {
                return [.. File.ReadLines(Path.Combine(RepositoryPaths.TektonV1, "..", "tekton-examples-tiers.tsv"))
                    .Skip(1)
                    .Select(line => line.Split('\t'))
                    .Where(columns => columns.Length >= 2 && columns[1] == "3")
                    .Select(columns => columns[0]["v1/".Length..])];
            }
            catch (InvalidOperationException)
            {
                // Reported by the test with the message that says what to set.
                return ["(the conformance examples are missing)"];
            }
        }
    }

    [Fact]
    public void There_are_tier_3_examples()
    {
        Assert.Equal(23, TierThree.Count);
    }

    [Theory]
    [MemberData(nameof(TierThree))]
    public async Task Run_refuses_it_up_front_naming_the_feature(string example)
    {
        var path = Path.Combine(RepositoryPaths.TektonV1, example);

        var outcome = await SluiceCommandLine.InvokeAsync("run", "--no-color", path);

        Assert.True(outcome.ExitCode == ExitCodes.InvalidInput, $"sluice run {example} exited {outcome.ExitCode}, expected a refusal (2):\n{outcome.Stdout}\n{outcome.Stderr}");
        var refusal = outcome.StderrLines.FirstOrDefault(l => l.Contains(": refused: ", StringComparison.Ordinal));
        Assert.True(refusal is not null, $"no \"refused:\" line for {example}:\n{outcome.Stderr}");
        Assert.StartsWith(path + ":", refusal, StringComparison.Ordinal);
        Assert.Equal(string.Empty, outcome.Stdout);
        Assert.DoesNotContain("   at ", outcome.Stderr, StringComparison.Ordinal);
    }
}
