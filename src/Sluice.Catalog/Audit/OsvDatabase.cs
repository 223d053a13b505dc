using System.Collections.Immutable;
using System.IO.Compression;

namespace Sluice.Catalog.Audit;

/// <summary>
/// OSV advisories for NuGet packages, indexed by package name (ignoring case). Loaded from a directory
/// of <c>*.json</c> files (searched recursively), a zip of them (such as OSV's per-ecosystem
/// <c>all.zip</c>), or an http(s) URL to such a zip or to one advisory. Affected entries of other
/// ecosystems are left out.
/// </summary>
public sealed class OsvDatabase
{
    /// <summary>The ecosystem name OSV gives NuGet packages.</summary>
    public const string NuGetEcosystem = "NuGet";

    /// <summary>The largest download accepted from a URL.</summary>
    public const long MaxDownloadBytes = 512L * 1024 * 1024;

    private readonly Dictionary<string, List<(OsvAdvisory, OsvAffected)>> _byPackage = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A database of the given advisories.</summary>
    public OsvDatabase(IEnumerable<OsvAdvisory> advisories)
    {
        ArgumentNullException.ThrowIfNull(advisories);
        var all = advisories.ToImmutableArray();
        Advisories = all;
        foreach (var advisory in all)
        {
            foreach (var affected in advisory.Affected.Where(a => string.Equals(a.Ecosystem, NuGetEcosystem, StringComparison.OrdinalIgnoreCase)))
            {
                if (!_byPackage.TryGetValue(affected.Name, out var list))
                {
                    _byPackage[affected.Name] = list = [];
                }

                list.Add((advisory, affected));
            }
        }
    }

    /// <summary>Every advisory loaded.</summary>
    public ImmutableArray<OsvAdvisory> Advisories { get; }

    /// <summary>The advisories' affected entries for a package name, ignoring case.</summary>
    public IReadOnlyList<(OsvAdvisory Advisory, OsvAffected Affected)> For(string package) =>
        _byPackage.TryGetValue(package, out var list) ? list : [];

    /// <summary>
    /// Loads advisories from a directory, a <c>.zip</c> file, or an http(s) URL (a zip or one JSON
    /// advisory, told apart by their first bytes).
    /// </summary>
    /// <param name="source">The directory, file or URL.</param>
    /// <param name="http">The client for URLs; one is made for the call when null.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <exception cref="FileNotFoundException">The directory or file does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is not an OSV advisory, or the download is not a zip or advisory.</exception>
    /// <exception cref="HttpRequestException">The URL could not be fetched.</exception>
    public static async Task<OsvDatabase> LoadAsync(string source, HttpClient? http, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        if (Uri.TryCreate(source, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            return await DownloadAsync(uri, http, cancellationToken);
        }

        if (Directory.Exists(source))
        {
            var advisories = new List<OsvAdvisory>();
            foreach (var file in Directory.EnumerateFiles(source, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                advisories.Add(OsvAdvisory.Parse(await File.ReadAllBytesAsync(file, cancellationToken), file));
            }

            return new OsvDatabase(advisories);
        }

        if (File.Exists(source))
        {
            return FromBytes(await File.ReadAllBytesAsync(source, cancellationToken), source);
        }

        throw new FileNotFoundException($"no OSV advisories at {source}: give a directory of *.json advisories, a zip of them, or an http(s) URL", source);
    }

    /// <summary>Advisories in a zip (every <c>*.json</c> entry) or one JSON advisory.</summary>
    /// <exception cref="InvalidDataException">The bytes are neither.</exception>
    public static OsvDatabase FromBytes(byte[] content, string source)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.Length >= 4 && content[0] == 'P' && content[1] == 'K')
        {
            using var zip = new ZipArchive(new MemoryStream(content, writable: false), ZipArchiveMode.Read);
            var advisories = new List<OsvAdvisory>();
            foreach (var entry in zip.Entries.Where(e => e.FullName.EndsWith(".json", StringComparison.OrdinalIgnoreCase)).OrderBy(e => e.FullName, StringComparer.Ordinal))
            {
                using var stream = entry.Open();
                using var bytes = new MemoryStream();
                stream.CopyTo(bytes);
                advisories.Add(OsvAdvisory.Parse(bytes.ToArray(), $"{source}!{entry.FullName}"));
            }

            return new OsvDatabase(advisories);
        }

        return new OsvDatabase([OsvAdvisory.Parse(content, source)]);
    }

    private static async Task<OsvDatabase> DownloadAsync(Uri uri, HttpClient? http, CancellationToken cancellationToken)
    {
        var owned = http is null ? new HttpClient() : null;
        try
        {
            using var response = await (http ?? owned)!.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"{uri} answered {(int)response.StatusCode} {response.ReasonPhrase}: check the advisory database's URL", null, response.StatusCode);
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > MaxDownloadBytes)
                {
                    throw new InvalidDataException($"{uri} is larger than {MaxDownloadBytes / (1024 * 1024)} MiB: point at one ecosystem's zip");
                }

                buffer.Write(chunk, 0, read);
            }

            return FromBytes(buffer.ToArray(), uri.ToString());
        }
        finally
        {
            owned?.Dispose();
        }
    }
}
