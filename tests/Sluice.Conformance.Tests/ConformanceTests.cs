namespace Sluice.Conformance.Tests;

/// <summary>
/// Each Tekton example of tiers 0 to 2, run unchanged on Docker, must match its checked-in expectation,
/// and must match it again when every TaskRun is cached: on the run that fills the cache and on the rerun
/// the cache serves (DESIGN.md section 8).
/// </summary>
public sealed class ConformanceTests(ConformanceFixture fixture) : IClassFixture<ConformanceFixture>
{
    public static TheoryData<string> Examples => [.. ConformanceFixture.Examples()];

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_matches_what_Tekton_gives(string example)
    {
        var differences = fixture.Result(example).Differences;
        Assert.True(differences.Count == 0, $"{example}:\n  " + string.Join("\n  ", differences));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_matches_what_Tekton_gives_with_every_TaskRun_cached_and_when_rerun_from_the_cache(string example)
    {
        var (cached, rerun) = fixture.CachedResults(example);
        var differences = cached.Differences.Select(d => "first run: " + d).Concat(rerun.Differences.Select(d => "rerun: " + d)).ToList();
        Assert.True(differences.Count == 0, $"{example} with --cache:\n  " + string.Join("\n  ", differences));
    }

    [Fact]
    public void The_cached_rerun_takes_TaskRuns_from_the_cache()
    {
        // Without hits the cached pass would only repeat the first: a cache that silently stored or found
        // nothing must fail here, not pass unnoticed.
        Assert.True(fixture.RerunCacheHits > 0, "no TaskRun of any rerun was served from the cache");
    }
}
