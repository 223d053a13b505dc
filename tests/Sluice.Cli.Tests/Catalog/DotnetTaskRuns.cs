using System.Text;
using System.Text.RegularExpressions;
using Sluice.Cli.Tests.Processes;

namespace Sluice.Cli.Tests.Catalog;

/// <summary>
/// What the tests of the catalog's .NET Tasks (<c>lint</c>, <c>dotnet-build-test</c>) share: one
/// <c>$SLUICE_HOME</c> whose named claim <c>nuget</c> every run binds as its <c>nuget-cache</c> workspace,
/// so only the first run restores packages from NuGet and the rest find them there; and a sample solution
/// (a class library and its xUnit v3 tests) written into a claim of each test's own. Runs use the host's
/// network, for that first restore, and the .NET SDK stand-in that eng/images/build.sh makes.
/// </summary>
public sealed partial class DotnetTaskRuns : IDisposable
{
    /// <summary>The sample's tests cover 2 of the library's 5 lines: <see cref="Library"/>'s Divide is never called.</summary>
    public const string Coverage = "40.0";

    /// <summary>A library whose Divide no test of <see cref="Tests"/> calls.</summary>
    public const string Library = """
        namespace Calc;

        public static class Arithmetic
        {
            public static int Add(int a, int b) => a + b;

            public static int Subtract(int a, int b) => a - b;

            public static int Divide(int a, int b)
            {
                if (b == 0)
                {
                    throw new System.DivideByZeroException();
                }

                return a / b;
            }
        }

        """;

    /// <summary>Two passing tests.</summary>
    public const string Tests = """
        using Xunit;

        namespace Calc.Tests;

        public sealed class ArithmeticTests
        {
            [Fact]
            public void Adds() => Assert.Equal(5, Arithmetic.Add(2, 3));

            [Fact]
            public void Subtracts() => Assert.Equal(1, Arithmetic.Subtract(3, 2));
        }

        """;

    private static readonly Dictionary<string, string> Sample = new(StringComparer.Ordinal)
    {
        ["Calc.slnx"] = """
            <Solution>
              <Project Path="src/Calc/Calc.csproj" />
              <Project Path="tests/Calc.Tests/Calc.Tests.csproj" />
            </Solution>

            """,
        [".gitignore"] = "bin/\nobj/\n.sluice/\n",
        [".editorconfig"] = """
            root = true

            [*.cs]
            indent_style = space
            indent_size = 4
            csharp_style_namespace_declarations = file_scoped:warning
            dotnet_diagnostic.IDE0161.severity = warning

            """,
        ["src/Calc/Calc.csproj"] = """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
              </PropertyGroup>
            </Project>

            """,
        ["src/Calc/Arithmetic.cs"] = Library,
        ["tests/Calc.Tests/Calc.Tests.csproj"] = """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <OutputType>Exe</OutputType>
                <IsPackable>false</IsPackable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.11.0" />
                <PackageReference Include="xunit.v3" Version="3.2.2" />
                <PackageReference Include="xunit.runner.visualstudio" Version="3.1.5" />
              </ItemGroup>
              <ItemGroup>
                <ProjectReference Include="../../src/Calc/Calc.csproj" />
              </ItemGroup>
            </Project>

            """,
        ["tests/Calc.Tests/ArithmeticTests.cs"] = Tests,
    };

    private readonly string _directory = Directory.CreateTempSubdirectory("sluice-dotnet-tasks-").FullName;
    private int _claims;

    /// <summary>The <c>$SLUICE_HOME</c> of every run.</summary>
    public string Home => Path.Combine(_directory, "home");

    private static string StandIns => Path.Combine(RepositoryPaths.Root, "eng", "images", "standins.yaml");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Writes the sample solution, with files replaced or added, into a new claim; returns the claim's name and directory.</summary>
    public (string Claim, string Directory) WriteSample(params (string Path, string Text)[] changes)
    {
        var claim = $"source-{Interlocked.Increment(ref _claims)}";
        var root = Path.Combine(Home, "claims", "default", claim);
        var files = new Dictionary<string, string>(Sample, StringComparer.Ordinal);
        foreach (var (path, text) in changes)
        {
            files[path] = text;
        }

        foreach (var (path, text) in files)
        {
            var file = Path.Combine(root, path);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, text);
        }

        return (claim, root);
    }

    /// <summary>Runs a TaskRun of the catalog Task with its source workspace on the claim and params; returns what sluice printed.</summary>
    public async Task<TaskRunOutcome> RunAsync(string task, string claim, params (string Name, string Value)[] parameters)
    {
        var yaml = new StringBuilder($"""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              generateName: {task}-run-
            spec:
              taskRef:
                name: {task}

            """);
        if (parameters.Length > 0)
        {
            yaml.Append("  params:\n");
        }

        foreach (var (name, value) in parameters)
        {
            yaml.Append($"    - name: {name}\n      value: \"{value}\"\n");
        }

        yaml.Append($"""
              workspaces:
                - name: source
                  persistentVolumeClaim:
                    claimName: {claim}
                - name: nuget-cache
                  persistentVolumeClaim:
                    claimName: nuget

            """);
        var file = Path.Combine(_directory, $"{claim}-{task}.yaml");
        await File.WriteAllTextAsync(file, yaml.ToString(), Cancel);
        var (exitCode, output) = await SluiceProcess.RunAsync(Home, "run", "--network", "host", "--config", StandIns, file);
        var results = ResultLine().Matches(output).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value);
        return new TaskRunOutcome(exitCode, output, results);
    }

    /// <summary>Deletes the home, the claims and the run files.</summary>
    public void Dispose() => System.IO.Directory.Delete(_directory, recursive: true);

    [GeneratedRegex(@"^\s+result (?<name>[a-z-]+) = (?<value>.*)$", RegexOptions.Multiline)]
    private static partial Regex ResultLine();
}

/// <summary>How <c>sluice run</c> ended, what it printed and the results it printed.</summary>
public sealed record TaskRunOutcome(int ExitCode, string Output, Dictionary<string, string> Results)
{
    /// <summary>Asserts that the TaskRun succeeded, showing what sluice printed when it did not.</summary>
    public void Succeeded() => Assert.True(ExitCode == 0, Output);

    /// <summary>Asserts that the TaskRun failed (exit code 1, not a refused input), showing what sluice printed when it did not.</summary>
    public void Failed() => Assert.True(ExitCode == 1, Output);
}

/// <summary>The tests that share <see cref="DotnetTaskRuns"/>, one at a time, since they share its package cache.</summary>
[CollectionDefinition(Name)]
public sealed class DotnetTaskCollection : ICollectionFixture<DotnetTaskRuns>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "dotnet catalog tasks";
}
