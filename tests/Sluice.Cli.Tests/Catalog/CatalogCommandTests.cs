using System.Text.Json.Nodes;
using Sluice.Catalog;
using Sluice.Catalog.Custom;

namespace Sluice.Cli.Tests.Catalog;

/// <summary><c>sluice catalog list|show</c>, and <c>validate</c> and <c>run</c> finding catalog Tasks after the files. No Docker.</summary>
public sealed class CatalogCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sluice-catalog-cli-").FullName;

    [Fact]
    public async Task List_prints_each_task_with_its_version_and_the_first_line_of_its_description()
    {
        var outcome = await SluiceCommandLine.InvokeAsync("catalog", "list");

        Assert.Equal(0, outcome.ExitCode);
        var lines = outcome.Stdout.TrimEnd('\n').Split('\n');
        Assert.Matches(@"^NAME\s{3,}KIND\s{3,}VERSION\s{3,}DESCRIPTION$", lines[0]);
        Assert.Equal(TaskCatalog.BuiltIn.Names.Length + new CustomTaskCatalog(CatalogServices.Default).Tasks.Length + 1, lines.Length);
        var version = TaskCatalog.BuiltIn.Find("version")!;
        Assert.Contains(lines, l => l.StartsWith("version ", StringComparison.Ordinal) && l.Contains($" {version.Version} ", StringComparison.Ordinal) && l.EndsWith(version.Summary, StringComparison.Ordinal));
        Assert.Equal(string.Empty, outcome.Stderr);
    }

    [Fact]
    public async Task List_as_json_gives_name_version_and_description()
    {
        var outcome = await SluiceCommandLine.InvokeAsync("catalog", "list", "-o", "json");

        Assert.Equal(0, outcome.ExitCode);
        var tasks = JsonNode.Parse(outcome.Stdout)!.AsArray();
        Assert.Equal(TaskCatalog.BuiltIn.Names, tasks.Where(t => (string?)t!["kind"] == "Task").Select(t => (string)t!["name"]!));
        var image = tasks.Single(t => (string)t!["name"]! == "ImageBuild")!;
        Assert.Equal(("custom", "sluice.dev/v1"), ((string?)image["kind"], (string?)image["apiVersion"]));
        var version = tasks.Single(t => (string)t!["name"]! == "version")!;
        Assert.Equal("0.1", (string)version["version"]!);
        Assert.StartsWith("The next semantic version", (string)version["description"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_prints_the_yaml_as_shipped()
    {
        var outcome = await SluiceCommandLine.InvokeAsync("catalog", "show", "version");

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(TaskCatalog.BuiltIn.Find("version")!.Yaml, outcome.Stdout);
        Assert.StartsWith("apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: version\n", outcome.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_names_the_custom_tasks_and_show_prints_how_to_refer_to_one_and_what_it_declares()
    {
        var listed = await SluiceCommandLine.InvokeAsync("catalog", "list");
        Assert.Matches(@"(?m)^ImageBuild\s+custom\s+0\.1\s+A multi-platform container image", listed.Stdout);

        var outcome = await SluiceCommandLine.InvokeAsync("catalog", "show", "ImageBuild");

        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("#   taskRef: {apiVersion: sluice.dev/v1, kind: ImageBuild}\n", outcome.Stdout, StringComparison.Ordinal);
        Assert.Contains("- name: image\n", outcome.Stdout, StringComparison.Ordinal);
        Assert.Contains("- name: IMAGE_DIGEST\n", outcome.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_of_an_unknown_name_is_invalid_input_and_suggests_the_closest()
    {
        var outcome = await SluiceCommandLine.InvokeAsync("catalog", "show", "--no-color", "versoin");

        Assert.Equal(ExitCodes.InvalidInput, outcome.ExitCode);
        Assert.Equal(string.Empty, outcome.Stdout);
        Assert.Equal(["error: name: the catalog has no Task named \"versoin\"", "  fix: did you mean \"version\"?", "1 problem found; nothing was printed."], outcome.StderrLines);
    }

    [Fact]
    public async Task What_show_prints_validates_from_standard_input_and_as_a_file()
    {
        var shown = (await SluiceCommandLine.InvokeAsync("catalog", "show", "version")).Stdout;
        var file = Path.Combine(_directory, "version.yaml");
        await File.WriteAllTextAsync(file, shown, TestContext.Current.CancellationToken);

        var piped = await SluiceCommandLine.InvokeWithInputAsync(shown, "validate", "--no-color", "-");
        var saved = await SluiceCommandLine.InvokeAsync("validate", "--no-color", file);

        Assert.True(piped.ExitCode == 0, piped.Stderr);
        Assert.Equal("1 resource in 1 path: valid\n", piped.Stdout);
        Assert.True(saved.ExitCode == 0, saved.Stderr);
    }

    [Fact]
    public async Task Validate_reads_a_broken_copy_from_standard_input_and_names_its_line()
    {
        var shown = (await SluiceCommandLine.InvokeAsync("catalog", "show", "version")).Stdout;
        var broken = shown.Replace("      default: main\n", "      default: [main]\n", StringComparison.Ordinal);
        Assert.NotEqual(shown, broken);

        var outcome = await SluiceCommandLine.InvokeWithInputAsync(broken, "validate", "--no-color", "-");

        Assert.Equal(ExitCodes.InvalidInput, outcome.ExitCode);
        Assert.StartsWith("-:", outcome.StderrLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_accepts_a_task_run_of_a_catalog_task_that_no_file_defines()
    {
        var run = Write("run.yaml", TaskRun("version"));

        var outcome = await SluiceCommandLine.InvokeAsync("validate", "--no-color", run);

        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
    }

    [Fact]
    public async Task A_file_that_defines_a_task_of_a_catalog_name_wins()
    {
        var run = Write("run.yaml", TaskRun("version"));
        var task = Write("task.yaml", """
            apiVersion: tekton.dev/v1
            kind: Task
            metadata:
              name: version
            spec:
              params:
                - name: only-in-the-file
              workspaces:
                - name: source
              steps:
                - name: mine
                  image: busybox
                  script: echo mine
            """);

        var outcome = await SluiceCommandLine.InvokeAsync("validate", "--no-color", run, task);

        Assert.Equal(ExitCodes.InvalidInput, outcome.ExitCode);
        Assert.Contains("only-in-the-file", outcome.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_and_run_suggest_the_catalog_task_a_typo_meant()
    {
        var run = Write("run.yaml", TaskRun("versoin"));

        var validated = await SluiceCommandLine.InvokeAsync("validate", "--no-color", run);
        var ran = await SluiceCommandLine.InvokeAsync("run", "--no-color", run);

        foreach (var outcome in new[] { validated, ran })
        {
            Assert.Equal(ExitCodes.InvalidInput, outcome.ExitCode);
            Assert.Contains($"{run}:7:5: error: name: TaskRunResolutionFailed: tasks.tekton.dev \"versoin\" not found", outcome.StderrLines);
            Assert.Contains("  fix: did you mean \"version\"? Otherwise pass the file that defines this Task to sluice", outcome.StderrLines);
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string TaskRun(string task) => $$"""
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: version-run
        spec:
          taskRef:
            name: {{task}}
          workspaces:
            - name: source
              emptyDir: {}
        """;

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
