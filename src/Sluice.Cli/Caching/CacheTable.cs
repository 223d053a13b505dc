using System.Globalization;
using Sluice.Cli.History;
using Sluice.Engine.Caching;

namespace Sluice.Cli.Caching;

/// <summary>What <c>sluice cache ls</c> and <c>sluice cache inspect</c> print.</summary>
internal static class CacheTable
{
    /// <summary>One line per entry, most recently used first.</summary>
    public static void Write(TextWriter output, IReadOnlyList<CacheEntry> entries, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var table = new TextTable("KEY", "SIZE", "OUTPUTS", "RESULTS", "LAST USED", "CREATED", "SOURCE");
        foreach (var entry in entries)
        {
            table.Add(
                Short(entry),
                Sizes.Format(entry.Size),
                entry.Result.Outputs.Length.ToString(CultureInfo.InvariantCulture),
                entry.Result.Results.Count.ToString(CultureInfo.InvariantCulture),
                Ages.Human(now - entry.LastUsed),
                Ages.Human(now - entry.Created),
                entry.Result.SourceTaskRun ?? entry.Result.SourceRun ?? "---");
        }

        table.Write(output);
        output.Write($"{entries.Count} entries, {Sizes.Format(entries.Sum(e => e.Size))}\n");
    }

    /// <summary>Everything the index records about one entry.</summary>
    public static void Describe(TextWriter output, CacheEntry entry, TimeProvider time)
    {
        var now = time.GetUtcNow();
        output.Write($"Key:          {entry.Key}\n");
        output.Write($"Size:         {Sizes.Format(entry.Size)} ({entry.Size.ToString(CultureInfo.InvariantCulture)} bytes)\n");
        output.Write($"Created:      {Stamp(entry.Created)} ({Ages.Human(now - entry.Created)} ago)\n");
        output.Write($"Last used:    {Stamp(entry.LastUsed)} ({Ages.Human(now - entry.LastUsed)} ago)\n");
        output.Write($"Source run:   {entry.Result.SourceRun ?? "---"}\n");
        output.Write($"Source task:  {entry.Result.SourceTaskRun ?? "---"}\n");
        output.Write("\nResults\n\n");
        if (entry.Result.Results.IsEmpty)
        {
            output.Write(" No results\n");
        }
        else
        {
            var results = new TextTable("NAME", "VALUE");
            foreach (var (name, value) in entry.Result.Results)
            {
                results.Add(name, value);
            }

            results.Write(output, " ");
        }

        output.Write("\nOutputs\n\n");
        if (entry.Result.Outputs.IsEmpty)
        {
            output.Write(" No outputs\n");
            return;
        }

        var outputs = new TextTable("DIGEST", "SIZE", "MEDIA TYPE");
        foreach (var blob in entry.Result.Outputs)
        {
            outputs.Add(blob.Digest.ToString(), Sizes.Format(blob.Size), blob.MediaType);
        }

        outputs.Write(output, " ");
    }

    /// <summary>A key as <c>ls</c> shows it: the algorithm and the first 12 hex digits.</summary>
    public static string Short(CacheEntry entry) => $"{entry.Key.Algorithm}:{entry.Key.Encoded[..12]}";

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
