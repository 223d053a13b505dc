using Sluice.Model.Substitution;

namespace Sluice.Model.Tests.Substitution;

/// <summary>Result references as pkg/internal/resultref/resultref.go parses them.</summary>
public sealed class ResultReferenceTests
{
    [Fact]
    public void A_string_result() =>
        Assert.Equal(new ResultReference("tasks", "build", "digest", null, false, null), ResultReference.ParseTask("tasks.build.results.digest"));

    [Fact]
    public void An_array_item() =>
        Assert.Equal(new ResultReference("tasks", "build", "files", 2, false, null), ResultReference.ParseTask("tasks.build.results.files[2]"));

    [Fact]
    public void An_array_index_with_a_leading_zero_is_a_number() =>
        Assert.Equal(1, ResultReference.ParseTask("tasks.build.results.files[01]")!.Index);

    [Fact]
    public void A_whole_array() =>
        Assert.Equal(new ResultReference("tasks", "build", "files", null, true, null), ResultReference.ParseTask("tasks.build.results.files[*]"));

    [Fact]
    public void An_object_key() =>
        Assert.Equal(new ResultReference("tasks", "clone", "repo", null, false, "url"), ResultReference.ParseTask("tasks.clone.results.repo.url"));

    [Fact]
    public void A_finally_task_s_result() =>
        Assert.Equal(new ResultReference("finally", "report", "status", null, false, null), ResultReference.ParseTask("finally.report.results.status"));

    [Fact]
    public void A_step_result() =>
        Assert.Equal(new ResultReference("steps", "compile", "out", null, false, null), ResultReference.ParseStep("steps.compile.results.out"));

    [Fact]
    public void A_step_object_result_key() =>
        Assert.Equal(new ResultReference("steps", "compile", "meta", null, false, "sha"), ResultReference.ParseStep("steps.compile.results.meta.sha"));

    [Fact]
    public void A_bracket_that_is_not_an_index_stays_in_the_name()
    {
        // arrayIndexing is \[([0-9])*\*?\]: "[abc]" is not an index.
        var reference = ResultReference.ParseTask("tasks.t.results.r[abc]");

        Assert.Equal("r[abc]", reference!.Result);
        Assert.Null(reference.Index);
        Assert.False(reference.Whole);
    }

    [Theory]
    [InlineData("tasks.t.results")]
    [InlineData("tasks.t.status")]
    [InlineData("tasks.t.outputs.r")]
    [InlineData("tasks.t.results.a.b.c")]
    [InlineData("params.x")]
    [InlineData("steps.s.results.r")]
    [InlineData("context.pipelineRun.name")]
    public void Anything_else_is_not_a_task_result(string expression) =>
        Assert.Null(ResultReference.ParseTask(expression));

    [Theory]
    [InlineData("tasks.t.results.r")]
    [InlineData("finally.t.results.r")]
    [InlineData("tasks.t.results.r.k.extra")]
    public void LooksLikeTaskResult_needs_four_parts_and_results_third(string expression) =>
        Assert.True(ResultReference.LooksLikeTaskResult(expression));

    [Theory]
    [InlineData("tasks.t.results")]
    [InlineData("steps.s.results.r")]
    [InlineData("tasks.t.status.r")]
    public void LooksLikeTaskResult_refuses_other_shapes(string expression) =>
        Assert.False(ResultReference.LooksLikeTaskResult(expression));

    [Fact]
    public void ParseStep_refuses_task_results() =>
        Assert.Null(ResultReference.ParseStep("tasks.t.results.r"));
}
