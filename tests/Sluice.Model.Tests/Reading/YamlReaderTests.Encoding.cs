using System.Text;
using Sluice.Model.Diagnostics;
using Sluice.Model.Tests.Support;
using Sluice.Model.Yaml;

namespace Sluice.Model.Tests.Reading;

public sealed partial class YamlReaderTests
{
    public static TheoryData<string, byte[]> WideTexts => new()
    {
        { "UTF-16 (little-endian, with a byte order mark)", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("kind: Task\n")] },
        { "UTF-16 (big-endian, with a byte order mark)", [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes("kind: Task\n")] },
        { "UTF-16 (little-endian)", Encoding.Unicode.GetBytes("kind: Task\n") },
        { "UTF-16 (big-endian)", Encoding.BigEndianUnicode.GetBytes("kind: Task\n") },
        { "UTF-32 (little-endian, with a byte order mark)", [.. Encoding.UTF32.GetPreamble(), .. Encoding.UTF32.GetBytes("kind: Task\n")] },
        { "UTF-32 (little-endian)", Encoding.UTF32.GetBytes("kind: Task\n") },
    };

    [Theory]
    [MemberData(nameof(WideTexts))]
    public void UTF16_and_UTF32_are_named_and_refused_at_the_start(string encoding, byte[] bytes)
    {
        var diagnostics = new DiagnosticBag();
        var documents = YamlReader.Read(bytes, Loaded.File, diagnostics);

        Assert.Empty(documents);
        var diagnostic = Assert.Single(diagnostics.ToImmutable());
        Assert.Equal($"the file is {encoding} text; it must be saved as UTF-8", diagnostic.Message);
        Assert.Equal(new SourceLocation(Loaded.File, 1, 1), diagnostic.Location);
        Assert.Contains("UTF-8", diagnostic.Fix, StringComparison.Ordinal);
    }
}
