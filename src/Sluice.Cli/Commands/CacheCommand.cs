using System.CommandLine;
using System.Globalization;
using Sluice.Cli.Caching;
using Sluice.Execution.Docker;
using Sluice.Hosting;
using Sluice.Model;
using Sluice.Oci.Layout;
using Sluice.Store.Caching;

namespace Sluice.Cli.Commands;

/// <summary><c>sluice cache ls|inspect|prune</c>: the content-addressed cache's entries, and bounding it by size and age.</summary>
internal static class CacheCommand
{
    private static readonly Argument<string> Key = new("key") { Description = "A cache key (sha256:…) or a unique prefix of its hex digits, as cache ls prints it" };
    private static readonly Option<string?> MaxSize = new("--max-size") { Description = "Keep at most this much, removing the least recently used first: such as 10G, 500MiB or 2GB" };
    private static readonly Option<string?> OlderThan = new("--older-than") { Description = "Remove entries not used for this long: such as 720h, 30d or 90m" };

    public static Command Create()
    {
        var list = new Command("ls", "List cache entries, most recently used first.\n\nExample:\n  sluice cache ls");
        list.Aliases.Add("list");
        list.SetAction(ListAsync);
        var inspect = new Command("inspect", "Show one cache entry: its results, output blobs, times and the run that made it.\n\nExample:\n  sluice cache inspect 3f9a0c2b71de") { Key };
        inspect.SetAction(InspectAsync);
        var prune = new Command("prune", "Remove cache entries unused for longer than --older-than, then the least recently used until --max-size holds, and the blobs only they used.\n\nExamples:\n  sluice cache prune --max-size 10G\n  sluice cache prune --older-than 30d --max-size 2GiB") { MaxSize, OlderThan };
        prune.SetAction(PruneAsync);
        return new Command("cache", "The content-addressed cache: list, inspect and prune its entries") { list, inspect, prune };
    }

    /// <summary>Reads <c>--older-than</c>: a Go duration (<c>720h</c>) or whole days (<c>30d</c>).</summary>
    internal static TimeSpan? ParseAge(string text)
    {
        if (text.EndsWith('d') && int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var days))
        {
            return TimeSpan.FromDays(days);
        }

        return Duration.TryParse(text, out var duration) && duration.Value >= TimeSpan.Zero ? duration.Value : null;
    }

    private static async Task<int> ListAsync(ParseResult parse, CancellationToken cancellationToken) =>
        await WithIndexAsync(parse, async index =>
        {
            var entries = await index.ListAsync(cancellationToken).ConfigureAwait(false);
            if (entries.Count == 0)
            {
                await Console.Error.WriteLineAsync("The cache is empty").ConfigureAwait(false);
                return ExitCodes.Success;
            }

            CacheTable.Write(Console.Out, entries, TimeProvider.System);
            return ExitCodes.Success;
        }, cancellationToken).ConfigureAwait(false);

    private static async Task<int> InspectAsync(ParseResult parse, CancellationToken cancellationToken) =>
        await WithIndexAsync(parse, async index =>
        {
            var wanted = parse.GetValue(Key)!;
            var hex = wanted.StartsWith("sha256:", StringComparison.Ordinal) ? wanted["sha256:".Length..] : wanted;
            var matches = (await index.ListAsync(cancellationToken).ConfigureAwait(false)).Where(e => e.Key.Encoded.StartsWith(hex, StringComparison.Ordinal)).ToList();
            if (matches.Count != 1 || hex.Length == 0)
            {
                await Console.Error.WriteLineAsync(matches.Count == 0
                    ? $"error: no cache entry with key {wanted}\n  fix: see the keys with sluice cache ls"
                    : $"error: {matches.Count} cache entries have keys starting with {wanted}\n  fix: give more of the key").ConfigureAwait(false);
                return ExitCodes.InvalidInput;
            }

            CacheTable.Describe(Console.Out, matches[0], TimeProvider.System);
            return ExitCodes.Success;
        }, cancellationToken).ConfigureAwait(false);

    private static async Task<int> PruneAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var (sizeText, ageText) = (parse.GetValue(MaxSize), parse.GetValue(OlderThan));
        var size = sizeText is null ? null : Sizes.Parse(sizeText);
        var age = ageText is null ? null : ParseAge(ageText);
        string? problem = (sizeText, ageText) switch
        {
            (null, null) => "error: give --max-size, --older-than or both\n  fix: such as sluice cache prune --max-size 10G --older-than 30d",
            ({ }, _) when size is null => $"error: --max-size {sizeText}: expected a size such as 10G, 500MiB or 2GB",
            (_, { }) when age is null => $"error: --older-than {ageText}: expected a duration such as 720h, 30d or 90m",
            _ => null,
        };
        if (problem is not null)
        {
            await Console.Error.WriteLineAsync(problem).ConfigureAwait(false);
            return ExitCodes.InvalidInput;
        }

        return await WithIndexAsync(parse, async index =>
        {
            var report = await index.PruneAsync(new CachePrunePolicy { MaxSize = size, MaxAge = age }, cancellationToken).ConfigureAwait(false);
            await Console.Out.WriteLineAsync(
                $"Removed {report.EntriesRemoved} entries ({Sizes.Format(report.BytesRemoved)}) and {report.BlobsDeleted} blobs" +
                (report.SnapshotsRemoved > 0 ? $" and {report.SnapshotsRemoved} images; " : "; ") +
                $"kept {report.EntriesKept} entries ({Sizes.Format(report.BytesKept)})").ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> WithIndexAsync(ParseResult parse, Func<CacheIndex, Task<int>> action, CancellationToken cancellationToken)
    {
        var (session, exitCode) = await HistorySession.OpenAsync(parse, cancellationToken).ConfigureAwait(false);
        if (session is null)
        {
            return exitCode;
        }

        await using (session.ConfigureAwait(false))
        {
            if (OciLayout.Open(session.Home.Blobs, out var error) is not { } blobs)
            {
                await Console.Error.WriteLineAsync($"error: the cache's blobs are not usable: {error}").ConfigureAwait(false);
                return ExitCodes.EnvironmentError;
            }

            return await action(Index(session, blobs)).ConfigureAwait(false);
        }
    }

    /// <summary>The index, with the Docker daemon as the store of SDK entries' snapshot images, so that pruning removes them too.</summary>
    private static CacheIndex Index(LocalSession session, OciLayout blobs) =>
        new(session.Store, blobs, new CacheLeases(session.Home.CacheLeases), TimeProvider.System, session.Executor as DockerExecutor);
}
