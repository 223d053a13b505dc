using System.Globalization;
using System.Security.Cryptography;
using System.Xml.Linq;
using Sluice.Cli.Tests.Processes;

namespace Sluice.Cli.Tests.Catalog;

/// <summary>
/// The catalog's <c>dotnet-build-test</c> Task run by the real <c>sluice run</c> on Docker against the sample
/// solution of <see cref="DotnetTaskRuns"/>: passing tests with their TRX and Cobertura files kept and
/// recorded as artifacts, then a cache hit; a failing test; a coverage threshold above the real figure.
/// Needs the Docker engine and the .NET SDK stand-in that eng/ installs, and NuGet for the first restore.
/// </summary>
[Collection(DotnetTaskCollection.Name)]
public sealed class DotnetBuildTestTaskTests(DotnetTaskRuns runs)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Passing_tests_report_their_count_and_coverage_keep_trx_and_cobertura_as_artifacts_and_a_rerun_is_a_cache_hit()
    {
        var (claim, directory) = runs.WriteSample();

        var run = await runs.RunAsync("dotnet-build-test", claim);

        run.Succeeded();
        Assert.Equal(("2", "0", DotnetTaskRuns.Coverage), (run.Results["tests"], run.Results["failed"], run.Results["coverage"]));
        var results = Path.Combine(directory, ".sluice", "test-results");
        Assert.Equal(["Calc.Tests.trx", "coverage.cobertura.xml"], Directory.GetFiles(results).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var trx = Path.Combine(results, "Calc.Tests.trx");
        var cobertura = Path.Combine(results, "coverage.cobertura.xml");
        var counters = XDocument.Load(trx).Descendants().Single(e => e.Name.LocalName == "Counters");
        Assert.Equal(("2", "2", "0"), ((string?)counters.Attribute("executed"), (string?)counters.Attribute("passed"), (string?)counters.Attribute("failed")));
        var coverage = XDocument.Load(cobertura).Root!;
        var figure = Math.Floor(1000.0 * (int)coverage.Attribute("lines-covered")! / (int)coverage.Attribute("lines-valid")!) / 10;
        Assert.Equal(DotnetTaskRuns.Coverage, figure.ToString("0.0", CultureInfo.InvariantCulture));
        Assert.DoesNotContain(coverage.Descendants("package"), p => (string?)p.Attribute("name") == "Calc.Tests");
        Assert.Equal(
            await File.ReadAllTextAsync(Path.Combine(directory, "src", "Calc", "obj", "project.assets.json"), Cancel),
            await File.ReadAllTextAsync(Path.Combine(results, "restore", "src", "Calc", "obj", "project.assets.json"), Cancel));
        Assert.True(File.Exists(Path.Combine(results, "restore", "tests", "Calc.Tests", "obj", "project.assets.json")));

        var (exitCode, description) = await SluiceProcess.RunAsync(runs.Home, "describe", "--last");
        Assert.True(exitCode == 0, description);
        Assert.Matches($@"artifact\s+test-results\s+sha256:{Sha256(trx)}\s+source:\.sluice/test-results/Calc\.Tests\.trx\s", description);
        Assert.Matches($@"artifact\s+coverage\s+sha256:{Sha256(cobertura)}\s+source:\.sluice/test-results/coverage\.cobertura\.xml\s", description);

        var trxBefore = await File.ReadAllBytesAsync(trx, Cancel);
        File.Delete(trx);
        var again = await runs.RunAsync("dotnet-build-test", claim);

        again.Succeeded();
        Assert.Contains(" cached (from ", again.Output, StringComparison.Ordinal);
        Assert.Equal(run.Results, again.Results);
        Assert.Equal(trxBefore, await File.ReadAllBytesAsync(trx, Cancel));
    }

    [Fact]
    public async Task A_failing_test_fails_the_task_naming_the_test_and_its_trx_is_kept()
    {
        var (claim, directory) = runs.WriteSample(("tests/Calc.Tests/DivisionTests.cs", """
            using Xunit;

            namespace Calc.Tests;

            public sealed class DivisionTests
            {
                [Fact]
                public void Dividing_by_zero_gives_zero() => Assert.Equal(0, Arithmetic.Divide(1, 0));
            }

            """));

        var run = await runs.RunAsync("dotnet-build-test", claim);

        run.Failed();
        Assert.Contains("[test]   Failed Calc.Tests.DivisionTests.Dividing_by_zero_gives_zero [", run.Output, StringComparison.Ordinal);
        Assert.Contains("System.DivideByZeroException", run.Output, StringComparison.Ordinal);
        Assert.Contains("[test] error: 1 of 3 tests failed; dotnet test names them above, and the TRX files are in .sluice/test-results\n", run.Output, StringComparison.Ordinal);
        Assert.Contains("\"step-test\" exited with code 1", run.Output, StringComparison.Ordinal);
        var trx = XDocument.Load(Path.Combine(directory, ".sluice", "test-results", "Calc.Tests.trx"));
        Assert.Contains(trx.Descendants().Where(e => e.Name.LocalName == "UnitTestResult"), r => (string?)r.Attribute("testName") == "Calc.Tests.DivisionTests.Dividing_by_zero_gives_zero" && (string?)r.Attribute("outcome") == "Failed");
    }

    [Fact]
    public async Task Coverage_under_the_threshold_fails_the_task_naming_the_figure_and_the_threshold()
    {
        var (claim, _) = runs.WriteSample();

        var run = await runs.RunAsync("dotnet-build-test", claim, ("coverage-threshold", "62.5"));

        run.Failed();
        Assert.Contains($"[test] error: line coverage {DotnetTaskRuns.Coverage}% is under the threshold 62.5%\n", run.Output, StringComparison.Ordinal);
        Assert.Equal(DotnetTaskRuns.Coverage, run.Results["coverage"]);
    }

    private static string Sha256(string file) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));
}
