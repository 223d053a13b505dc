using System.Text;
using System.Text.Unicode;
using CsCheck;
using Sluice.Model.Diagnostics;
using Sluice.Model.Loading;
using Sluice.Model.Tests.Support;
using Sluice.Model.Yaml;

namespace Sluice.Model.Tests.Properties;

/// <summary>The reader is total: whatever the bytes, it returns documents or positioned diagnostics, never an exception.</summary>
public sealed class ReaderPropertyTests
{
    private const string File = "fuzz.yaml";

    private static readonly string[] Tokens =
    [
        "a", "key", "apiVersion: tekton.dev/v1", "kind: Task", "metadata:", "spec:", "steps:", "- ", ": ", ":", " ", "  ", "\t", "\n", "\r\n",
        "[", "]", "{", "}", ",", "&a ", "*a", "<<: ", "!!str ", "!tag ", "\"", "'", "|\n", ">-\n", "#", "---\n", "...\n", "? ", "%YAML 1.1\n",
        "yes", "0755", "1e3", ".inf", "~", "$(params.x)", "é", "\u2028", "\uFEFF", "\0",
    ];

    [Fact]
    public void Arbitrary_bytes_never_throw_and_every_diagnostic_is_positioned()
    {
        Gen.OneOf(Gen.Byte.Array[0, 400], TokenText.Select(t => Encoding.UTF8.GetBytes(t)))
            .Sample(
                bytes =>
                {
                    var diagnostics = new DiagnosticBag();
                    YamlReader.Read(bytes, File, diagnostics);
                    AssertPositioned(diagnostics.ToImmutable());
                    if (bytes.Contains((byte)0) || !Utf8.IsValid(bytes))
                    {
                        Assert.True(diagnostics.HasErrors, "binary or non-UTF-8 input must be reported");
                    }
                },
                iter: 3000);
    }

    [Fact]
    public void Arbitrary_text_never_throws_when_read_as_resources()
    {
        TokenText.Sample(
            text =>
            {
                var diagnostics = new DiagnosticBag();
                var resources = ResourceReader.ReadText(text, File, diagnostics);
                ResourceSet.FromResources(resources, diagnostics);
                Assert.True(!resources.IsEmpty || diagnostics.HasErrors, "a file that yields no resource must say why");
                AssertPositioned(diagnostics.ToImmutable());
            },
            iter: 3000);
    }

    [Fact]
    public void Every_conformance_example_reads_and_binds_without_diagnostics()
    {
        // Validation findings are the conformance suite's business (some no-ci examples fail Tekton's own
        // webhook); reading and binding must accept every example as Kubernetes does.
        foreach (var (name, text) in ConformanceExamples.All)
        {
            var diagnostics = new DiagnosticBag();
            var resources = ResourceReader.ReadText(text, name, diagnostics);
            Assert.True(!diagnostics.HasErrors, $"{name}:\n{string.Join("\n", diagnostics.ToImmutable())}");
            Assert.NotEmpty(resources);
            ResourceSet.FromResources(resources, diagnostics);
            AssertPositioned(diagnostics.ToImmutable(), name);
        }
    }

    [Fact]
    public void Mutated_conformance_examples_never_throw_and_report_with_positions()
    {
        var examples = ConformanceExamples.All;
        var gen = Gen.Select(Gen.Int[0, examples.Count - 1], Mutation.Array[1, 4], (index, mutations) => (index, mutations));
        gen.Sample(
            (index, mutations) =>
            {
                var (name, original) = examples[index];
                var text = mutations.Aggregate(original, (current, mutate) => mutate(current));
                var diagnostics = new DiagnosticBag();
                var resources = ResourceReader.ReadText(text, name, diagnostics);
                ResourceSet.FromResources(resources, diagnostics);
                Assert.True(!resources.IsEmpty || diagnostics.HasErrors, "a file that yields no resource must say why");
                AssertPositioned(diagnostics.ToImmutable(), name);
            },
            iter: 2000,
            print: t => $"{examples[t.Item1].Name} with {t.Item2.Length} mutation(s)");
    }

    private static Gen<string> TokenText { get; } = Gen.OneOf(Tokens).Array[0, 60].Select(parts => string.Concat(parts));

    /// <summary>Small edits of the kinds people make: lost or doubled lines, wrong indentation, stray characters, tabs.</summary>
    private static Gen<Func<string, string>> Mutation { get; } = Gen.OneOf(
        Gen.Int[0, 1000].Select<int, Func<string, string>>(n => text => EditLine(text, n, _ => null)),
        Gen.Int[0, 1000].Select<int, Func<string, string>>(n => text => EditLine(text, n, line => line + "\n" + line)),
        Gen.Select(Gen.Int[0, 1000], Gen.Int[-3, 3]).Select<(int, int), Func<string, string>>(t => text => EditLine(text, t.Item1, line => t.Item2 >= 0 ? new string(' ', t.Item2) + line : line.TrimStart())),
        Gen.Int[0, 1000].Select<int, Func<string, string>>(n => text => EditLine(text, n, line => "\t" + line.TrimStart())),
        Gen.Select(Gen.Int[0, 100_000], Gen.OneOf(Tokens)).Select<(int, string), Func<string, string>>(t => text => text.Insert(t.Item1 % (text.Length + 1), t.Item2)),
        Gen.Select(Gen.Int[0, 100_000], Gen.Int[1, 40]).Select<(int, int), Func<string, string>>(t => text =>
        {
            var start = t.Item1 % (text.Length + 1);
            return text.Remove(start, Math.Min(t.Item2, text.Length - start));
        }),
        Gen.Select(Gen.Int[0, 1000], Gen.Int[0, 1000]).Select<(int, int), Func<string, string>>(t => text =>
        {
            var lines = text.Split('\n');
            var (a, b) = (t.Item1 % lines.Length, t.Item2 % lines.Length);
            (lines[a], lines[b]) = (lines[b], lines[a]);
            return string.Join('\n', lines);
        }));

    private static string EditLine(string text, int n, Func<string, string?> edit)
    {
        var lines = text.Split('\n').ToList();
        var index = n % lines.Count;
        var replacement = edit(lines[index]);
        if (replacement is null)
        {
            lines.RemoveAt(index);
        }
        else
        {
            lines[index] = replacement;
        }

        return string.Join('\n', lines);
    }

    private static void AssertPositioned(IEnumerable<Diagnostic> diagnostics, string file = File)
    {
        foreach (var diagnostic in diagnostics)
        {
            Assert.True(
                diagnostic.Location.File == file && diagnostic.Location.Line >= 1 && diagnostic.Location.Column >= 1,
                $"unpositioned diagnostic: {diagnostic}");
            Assert.False(string.IsNullOrWhiteSpace(diagnostic.Message));
        }
    }
}
