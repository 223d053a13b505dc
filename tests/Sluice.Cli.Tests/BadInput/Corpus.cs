using System.Globalization;
using System.Reflection;
using System.Text;

namespace Sluice.Cli.Tests.BadInput;

/// <summary>
/// One row of <c>expected.tsv</c>: a broken input and where and how <c>sluice validate</c> must refuse it.
/// </summary>
/// <param name="Name">The file, relative to the corpus directory; <c>generated/</c> names are written by <see cref="Corpus.Generate"/>.</param>
/// <param name="Line">The 1-based line the one problem must be reported at.</param>
/// <param name="Column">The 1-based column.</param>
/// <param name="Message">Text the problem's line must contain (Tekton's wording where Tekton has one).</param>
/// <param name="Absent">Text the problem's line must not contain, or null.</param>
internal sealed record CorpusEntry(string Name, int Line, int Column, string Message, string? Absent)
{
    public bool IsGenerated => Name.StartsWith(Corpus.GeneratedPrefix, StringComparison.Ordinal);

    public override string ToString() => Name;
}

/// <summary>
/// The corpus of broken inputs shared by the CLI tests and the bench: the manifest, and the files too
/// large, binary or encoding-sensitive to keep in the repository, written on demand.
/// </summary>
internal static class Corpus
{
    public const string GeneratedPrefix = "generated/";

    public const string ManifestName = "expected.tsv";

    /// <summary>The size of the generated huge scalar: 100 MiB, far above the 8 MiB Sluice reads.</summary>
    public const int HugeScalarBytes = 100 * 1024 * 1024;

    private const string StepTypoTask =
        "apiVersion: tekton.dev/v1\n" +
        "kind: Task\n" +
        "metadata:\n" +
        "  name: step-typo\n" +
        "spec:\n" +
        "  steps:\n" +
        "    - name: build\n" +
        "      image: alpine\n" +
        "      workingDri: /workspace/src\n" +
        "      script: echo hi\n";

    private static readonly Dictionary<string, Action<Stream>> Generators = new(StringComparer.Ordinal)
    {
        ["binary-garbage.yaml"] = WriteBinaryGarbage,
        ["invalid-utf8.yaml"] = WriteInvalidUtf8,
        ["utf16-bom.yaml"] = WriteUtf16,
        ["crlf-line-endings.yaml"] = stream => WriteText(stream, StepTypoTask.Replace("\n", "\r\n", StringComparison.Ordinal)),
        ["huge-scalar.yaml"] = WriteHugeScalar,
        ["many-nodes.yaml"] = WriteManyNodes,
    };

    /// <summary>The repository root the assembly was built from (recorded at build time, so artifacts may live anywhere).</summary>
    public static string RepositoryRoot(Assembly assembly) =>
        assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == "RepositoryRoot")?.Value
        ?? throw new InvalidOperationException($"{assembly.GetName().Name} was built without the RepositoryRoot assembly metadata");

    /// <summary>The corpus directory of a repository.</summary>
    public static string DirectoryIn(string repositoryRoot) => Path.Combine(repositoryRoot, "tests", "Sluice.Cli.Tests", "BadInput");

    /// <summary>The names <see cref="Generate"/> writes, with the <c>generated/</c> prefix.</summary>
    public static IEnumerable<string> GeneratedNames => Generators.Keys.Select(k => GeneratedPrefix + k);

    /// <summary>Reads the manifest: tab-separated file, line, column, message and an optional text that must be absent; '#' starts a comment.</summary>
    public static IReadOnlyList<CorpusEntry> ReadManifest(string corpusDirectory)
    {
        var entries = new List<CorpusEntry>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(Path.Combine(corpusDirectory, ManifestName)))
        {
            lineNumber++;
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var columns = line.Split('\t');
            if (columns.Length is < 4 or > 5
                || !int.TryParse(columns[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expectedLine)
                || !int.TryParse(columns[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expectedColumn))
            {
                throw new FormatException($"{ManifestName}:{lineNumber}: expected FILE<TAB>LINE<TAB>COLUMN<TAB>MESSAGE[<TAB>ABSENT], got \"{line}\"");
            }

            entries.Add(new CorpusEntry(columns[0], expectedLine, expectedColumn, columns[3], columns.Length == 5 ? columns[4] : null));
        }

        return entries;
    }

    /// <summary>Where an entry's file is: in the corpus directory, or in the directory generated files were written to.</summary>
    public static string PathOf(CorpusEntry entry, string corpusDirectory, string generatedDirectory) =>
        entry.IsGenerated
            ? Path.Combine(generatedDirectory, entry.Name[GeneratedPrefix.Length..])
            : Path.Combine(corpusDirectory, entry.Name);

    /// <summary>Writes every generated file into <paramref name="directory"/>.</summary>
    public static void Generate(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var (name, write) in Generators)
        {
            using var stream = new FileStream(Path.Combine(directory, name), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
            write(stream);
        }
    }

    private static void WriteText(Stream stream, string text) => stream.Write(Encoding.UTF8.GetBytes(text));

    // An ELF header (its 8th byte is NUL) followed by seeded random bytes: what `sluice validate bin/*` meets.
    private static void WriteBinaryGarbage(Stream stream)
    {
        stream.Write("\u007fELF\u0002\u0001\u0001\0"u8);
        var random = new byte[4088];
        new Random(20_240_917).NextBytes(random);
        stream.Write(random);
    }

    // Latin-1 text: "café" saved by an editor that is not set to UTF-8.
    private static void WriteInvalidUtf8(Stream stream) => stream.Write(Encoding.Latin1.GetBytes(
        "apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: latin1\n  annotations:\n    owner: caf\u00e9\nspec:\n  steps:\n    - image: alpine\n      script: echo hi\n"));

    // What Windows PowerShell 5's `>` writes: UTF-16LE with a byte order mark.
    private static void WriteUtf16(Stream stream) => stream.Write(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(StepTypoTask)).ToArray());

    private static void WriteHugeScalar(Stream stream)
    {
        WriteText(stream, "apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: huge-scalar\nspec:\n  steps:\n    - image: alpine\n      script: \"");
        var chunk = new byte[1 << 20];
        chunk.AsSpan().Fill((byte)'x');
        for (var written = 0; written < HugeScalarBytes; written += chunk.Length)
        {
            stream.Write(chunk);
        }

        WriteText(stream, "\"\n");
    }

    // A generated args list of 1.1 million items in 2.2 MB, below the 8 MiB file limit and without any alias.
    private static void WriteManyNodes(Stream stream)
    {
        WriteText(stream, "apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: many-nodes\nspec:\n  steps:\n    - image: alpine\n      command: [echo]\n      args: [a");
        var items = new byte[2 * 1_099_999];
        for (var i = 0; i < items.Length; i += 2)
        {
            items[i] = (byte)',';
            items[i + 1] = (byte)'a';
        }

        stream.Write(items);
        WriteText(stream, "]\n");
    }
}
