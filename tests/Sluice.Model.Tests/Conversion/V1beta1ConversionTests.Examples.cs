using System.Text.Json;
using Sluice.Model.Diagnostics;
using Sluice.Model.Loading;
using Sluice.Model.Tests.Support;

namespace Sluice.Model.Tests.Conversion;

/// <summary>Conversion changes nothing that both versions write alike, checked on every v1 conformance example.</summary>
public sealed partial class V1beta1ConversionTests
{
    [Fact]
    public void A_v1_example_relabelled_v1beta1_reads_the_same_unless_it_uses_a_v1_only_field()
    {
        var compared = 0;
        var refused = new List<string>();
        foreach (var (name, text) in ConformanceExamples.All)
        {
            var relabelled = text.Replace("apiVersion: tekton.dev/v1\n", "apiVersion: tekton.dev/v1beta1\n", StringComparison.Ordinal);
            if (relabelled == text)
            {
                continue;
            }

            var diagnostics = new DiagnosticBag();
            var converted = ResourceReader.ReadText(relabelled, name, diagnostics);
            if (diagnostics.HasErrors)
            {
                // What a v1beta1 file cannot say (computeResources on a step, taskRunTemplate, stepSpecs) is
                // refused by name; every refusal must be one of those.
                Assert.All(diagnostics.ToImmutable(), d => Assert.True(
                    d.Message.StartsWith("unknown field ", StringComparison.Ordinal) && d.Fix!.StartsWith("tekton.dev/v1beta1 calls it ", StringComparison.Ordinal),
                    $"{name}: {d}"));
                refused.Add(name);
                continue;
            }

            var original = ResourceReader.ReadText(text, name, new DiagnosticBag());
            Assert.Equal(original.Select(r => Json(r.Resource)), converted.Select(r => Json(r.Resource)));
            compared++;
        }

        Assert.True(compared > 100, $"only {compared} examples compared; refused: {string.Join(", ", refused)}");
    }

    private static string Json(IResource resource) => JsonSerializer.Serialize<object>(resource);
}
