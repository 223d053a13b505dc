namespace Sluice.Cli.Tests.Catalog;

/// <summary>
/// The catalog's <c>lint</c> Task run by the real <c>sluice run</c> on Docker against the sample solution of
/// <see cref="DotnetTaskRuns"/>, as it is and with files that <c>dotnet format</c> would change. Needs the
/// Docker engine and the .NET SDK stand-in that eng/ installs, and NuGet for the first restore.
/// </summary>
[Collection(DotnetTaskCollection.Name)]
public sealed class LintTaskTests(DotnetTaskRuns runs)
{
    [Fact]
    public async Task Clean_code_passes_with_no_file_to_change()
    {
        var (claim, _) = runs.WriteSample();

        var run = await runs.RunAsync("lint", claim);

        run.Succeeded();
        Assert.Equal("0", run.Results["files"]);
        Assert.Contains("lint: dotnet format would change no file (severity warn)", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Badly_formatted_files_and_a_style_warning_fail_it_naming_each_file_once_as_named_in_the_workspace_and_the_fix()
    {
        var (claim, directory) = runs.WriteSample(
            ("src/Calc/Größe+Messy.cs", "namespace Calc;\n\npublic static class Messy\n{\n      public static int One()   =>  1;\n}\n"),
            ("tests/Calc.Tests/Scoped.cs", "namespace Calc.Tests\n{\n    public static class Scoped\n    {\n    }\n}\n"));
        var before = await File.ReadAllTextAsync(Path.Combine(directory, "src", "Calc", "Größe+Messy.cs"), TestContext.Current.CancellationToken);

        var run = await runs.RunAsync("lint", claim);

        run.Failed();
        Assert.Equal("2", run.Results["files"]);
        Assert.Contains(
            "[format] error: dotnet format would change 2 files (severity warn):\n[format]   src/Calc/Größe+Messy.cs\n[format]   tests/Calc.Tests/Scoped.cs\n[format] fix: run `dotnet format` locally and commit the changes\n",
            run.Output,
            StringComparison.Ordinal);
        Assert.Contains("Scoped.cs(1,11): warning IDE0161", run.Output, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(Path.Combine(directory, "src", "Calc", "Größe+Messy.cs"), TestContext.Current.CancellationToken));
    }
}
