using System.Text;
using CsCheck;
using Sluice.Model.Substitution;

namespace Sluice.Model.Tests.Properties;

public sealed class SubstitutionPropertyTests
{
    private static readonly string[] Keys = ["params.a", "params.b", "params[\"a\"]", "params.list[*]", "tasks.t.results.r", "context.taskRun.name", "workspaces.w.path"];

    private static readonly string[] Fragments = ["x", " ", "$(", ")", "$", "(", "[*]", "$(date)", "$(params.unknown)", "${HOME}", "params.a", "\n"];

    /// <summary>Text built from references, near-references and noise.</summary>
    private static Gen<string> Text { get; } = Gen.OneOf(
            Gen.OneOf(Keys).Select(k => $"$({k})"),
            Gen.OneOf(Fragments))
        .Array[0, 30]
        .Select(parts => string.Concat(parts));

    private static Gen<Dictionary<string, string>> Replacements { get; } =
        Gen.Select(Gen.Bool.Array[Keys.Length], Text.Array[Keys.Length], (present, values) =>
            Keys.Select((k, i) => (k, i)).Where(x => present[x.i]).ToDictionary(x => x.k, x => values[x.i], StringComparer.Ordinal));

    [Fact]
    public void Apply_replaces_as_one_strings_Replacer_pass()
    {
        Gen.Select(Text, Replacements).Sample(
            (input, map) => Assert.Equal(GoReplacer(input, map), Variables.Apply(input, map)),
            iter: 5000);
    }

    [Fact]
    public void Apply_never_substitutes_inside_a_replacement()
    {
        // Every value refers to another key: a second pass would change the output, one pass must not.
        var map = Keys.Select((k, i) => (k, i)).ToDictionary(x => x.k, x => $"<$({Keys[(x.i + 1) % Keys.Length]})>", StringComparer.Ordinal);
        Gen.OneOf(Keys).Array[1, 10].Sample(
            keys =>
            {
                var input = string.Concat(keys.Select(k => $"$({k})"));
                var expected = string.Concat(keys.Select(k => map[k]));
                Assert.Equal(expected, Variables.Apply(input, map));
            },
            iter: 1000);
    }

    [Fact]
    public void ApplyArray_expands_only_an_exact_reference()
    {
        var arrays = new Dictionary<string, System.Collections.Immutable.ImmutableArray<string>>(StringComparer.Ordinal) { ["params.list"] = ["1", "2"] };
        Gen.Select(Text, Replacements).Sample(
            (input, map) =>
            {
                var result = Variables.ApplyArray(input, map, arrays);
                if (input is "$(params.list)" or "$(params.list[*])")
                {
                    Assert.Equal(["1", "2"], result);
                }
                else
                {
                    Assert.Equal([Variables.Apply(input, map)], result);
                }
            },
            iter: 3000);
    }

    /// <summary>
    /// Go's strings.NewReplacer("$(k1)", v1, ...).Replace: left to right, at each position the first old string
    /// that matches (keys hold no ')', so at most one can), output never revisited.
    /// </summary>
    private static string GoReplacer(string input, Dictionary<string, string> map)
    {
        var output = new StringBuilder();
        var i = 0;
        while (i < input.Length)
        {
            var match = map.Keys.FirstOrDefault(k => string.CompareOrdinal(input, i, $"$({k})", 0, k.Length + 3) == 0 && i + k.Length + 3 <= input.Length);
            if (match is null)
            {
                output.Append(input[i]);
                i++;
                continue;
            }

            output.Append(map[match]);
            i += match.Length + 3;
        }

        return output.ToString();
    }
}
