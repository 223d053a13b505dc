namespace Sluice.Conformance.Tests;

/// <summary>Each Tekton example of tiers 0 to 2, run unchanged on Docker, must match its checked-in expectation.</summary>
public sealed class ConformanceTests(ConformanceFixture fixture) : IClassFixture<ConformanceFixture>
{
    public static TheoryData<string> Examples => [.. ConformanceFixture.Examples()];

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_matches_what_Tekton_gives(string example)
    {
        var (_, differences, _) = fixture.Result(example);
        Assert.True(differences.Count == 0, $"{example}:\n  " + string.Join("\n  ", differences));
    }
}
