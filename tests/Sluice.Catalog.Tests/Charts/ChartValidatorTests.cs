using Sluice.Catalog.Charts;

namespace Sluice.Catalog.Tests.Charts;

/// <summary>Chart.yaml and values.schema.json problems, every one reported at once with its position and fix.</summary>
public sealed class ChartValidatorTests : IDisposable
{
    private readonly TempDirectory _chart = new();

    public void Dispose() => _chart.Dispose();

    [Fact]
    public void A_valid_chart_has_its_metadata_and_no_problems()
    {
        _chart.Write("Chart.yaml", "apiVersion: v2\nname: agenda\nversion: 1.2.0\nappVersion: \"1.2.0\"\ndescription: The agenda service\n");

        var result = ChartValidator.Validate(_chart.Path);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(("agenda", "1.2.0", "1.2.0", "v2"), (result.Chart!.Name, result.Chart.Version, result.Chart.AppVersion, result.Chart.ApiVersion));
    }

    [Fact]
    public void Every_problem_in_Chart_yaml_is_reported_with_its_line_column_field_and_fix()
    {
        var file = _chart.Write("Chart.yaml", """
            apiVersion: v3
            name: My_Chart
            version: "1.0"
            type: app
            maintainers:
              - email: ops@example.com
            """);

        var problems = ChartValidator.Validate(_chart.Path).Problems;

        Assert.Equal(
            [
                (1, 13, "apiVersion", "apiVersion \"v3\" is not a chart API version"),
                (2, 7, "name", "chart name \"My_Chart\" is not valid"),
                (3, 10, "version", "version \"1.0\" is not a SemVer 2 version"),
                (4, 7, "type", "type \"app\" is not a chart type"),
                (6, 5, "maintainers[0].name", "a maintainer needs a name"),
            ],
            problems.Select(p => (p.Location.Line, p.Location.Column, p.FieldPath, p.Message)));
        Assert.All(problems, p => Assert.Equal(file, p.Location.File));
        Assert.All(problems, p => Assert.False(string.IsNullOrEmpty(p.Fix)));
        Assert.Contains("use v2 (Helm 3 charts) or v1", problems[0].Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_required_fields_are_each_named()
    {
        _chart.Write("Chart.yaml", "description: no fields\n");

        var problems = ChartValidator.Validate(_chart.Path).Problems;

        Assert.Equal(["apiVersion", "name", "version"], problems.Select(p => p.FieldPath));
        Assert.All(problems, p => Assert.EndsWith("is required", p.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_Chart_yaml_or_bad_YAML_says_where()
    {
        var missing = Assert.Single(ChartValidator.Validate(_chart.Path).Problems);
        Assert.Equal(_chart.Combine("Chart.yaml"), missing.Location.File);
        Assert.Contains("is not a chart", missing.Message, StringComparison.Ordinal);

        _chart.Write("Chart.yaml", "apiVersion: v2\nname: [agenda\nversion: 1.0.0\n");
        var syntax = Assert.Single(ChartValidator.Validate(_chart.Path).Problems);
        Assert.StartsWith("invalid YAML", syntax.Message, StringComparison.Ordinal);
        Assert.True(syntax.Location.Line >= 2, syntax.ToString());
    }

    [Fact]
    public void An_invalid_version_override_is_a_problem_and_a_valid_one_replaces_the_version()
    {
        _chart.Write("Chart.yaml", "apiVersion: v2\nname: agenda\nversion: 0.1.0 # bumped by the pipeline\n");

        var bad = ChartValidator.Validate(_chart.Path, new ChartOverrides { Version = "v1.2" });
        var good = ChartValidator.Validate(_chart.Path, new ChartOverrides { Version = "1.2.0-rc.1+abc", AppVersion = "abc" });

        Assert.Contains(bad.Problems, p => p.FieldPath == "version" && p.Message.Contains("\"v1.2\" is not a SemVer 2 version", StringComparison.Ordinal));
        Assert.True(good.IsValid, string.Join("\n", good.Problems));
        Assert.Equal(("1.2.0-rc.1+abc", "abc"), (good.Chart!.Version, good.Chart.AppVersion));
    }

    [Fact]
    public void Values_that_break_the_schema_are_reported_by_values_path_at_their_position_with_the_schema_message()
    {
        WriteChartWithSchema();
        var values = _chart.Write("values.yaml", """
            replicaCount: 0
            agenda:
              image:
                repository: Not-Lowercase
                digest: ""
            """);

        var problems = ChartValidator.Validate(_chart.Path).Problems;

        Assert.Equal(
            [(1, 15, "replicaCount"), (4, 17, "agenda.image.repository")],
            problems.Select(p => (p.Location.Line, p.Location.Column, p.FieldPath)));
        Assert.All(problems, p => Assert.Equal(values, p.Location.File));
        Assert.Contains("1", problems[0].Message, StringComparison.Ordinal);
        Assert.Contains("minimum", problems[0].Fix, StringComparison.Ordinal);
        Assert.Contains("pattern", problems[1].Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void The_schema_is_checked_against_the_values_after_the_overrides()
    {
        WriteChartWithSchema();
        _chart.Write("values.yaml", "replicaCount: 1\nagenda:\n  image:\n    repository: Not-Lowercase\n");

        var overridden = ChartValidator.Validate(_chart.Path, new ChartOverrides
        {
            Values = Values(("agenda.image.repository", "registry.local/agenda"), ("agenda.image.digest", "sha256:0123")),
        });
        var missing = ChartValidator.Validate(_chart.Path, new ChartOverrides { Values = Values(("agenda.image.repository", "registry.local/agenda")) });

        Assert.True(overridden.IsValid, string.Join("\n", overridden.Problems));
        var required = Assert.Single(missing.Problems);
        Assert.Equal("agenda.image", required.FieldPath);
        Assert.Contains("digest", required.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_override_through_a_value_that_is_not_a_mapping_is_a_problem_at_that_value()
    {
        _chart.Write("Chart.yaml", "apiVersion: v2\nname: agenda\nversion: 1.0.0\n");
        _chart.Write("values.yaml", "agenda:\n  image: busybox\n");

        var problem = Assert.Single(ChartValidator.Validate(_chart.Path, new ChartOverrides { Values = Values(("agenda.image.tag", "1.0")) }).Problems);

        Assert.Equal((2, 10, "agenda.image.tag"), (problem.Location.Line, problem.Location.Column, problem.FieldPath));
        Assert.Contains("'agenda.image' is the value busybox", problem.Message, StringComparison.Ordinal);
    }

    internal static System.Collections.Immutable.ImmutableSortedDictionary<string, string> Values(params (string Path, string Value)[] values) =>
        System.Collections.Immutable.ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, values.Select(v => KeyValuePair.Create(v.Path, v.Value)));

    private void WriteChartWithSchema()
    {
        _chart.Write("Chart.yaml", "apiVersion: v2\nname: agenda\nversion: 1.0.0\n");
        _chart.Write("values.schema.json", """
            {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "type": "object",
              "properties": {
                "replicaCount": { "type": "integer", "minimum": 1 },
                "agenda": {
                  "type": "object",
                  "properties": {
                    "image": {
                      "type": "object",
                      "required": ["repository", "digest"],
                      "properties": {
                        "repository": { "type": "string", "pattern": "^[a-z0-9./:-]+$" },
                        "digest": { "type": "string" }
                      }
                    }
                  }
                }
              }
            }
            """);
    }
}
