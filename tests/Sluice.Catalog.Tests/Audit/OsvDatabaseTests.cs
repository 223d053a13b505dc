using System.IO.Compression;
using System.Net;
using System.Text;
using Sluice.Catalog.Audit;

namespace Sluice.Catalog.Tests.Audit;

/// <summary>OSV advisories read in their JSON form from a directory, a zip, or a URL.</summary>
public sealed class OsvDatabaseTests : IDisposable
{
    private const string Advisory = """
        {
          "schema_version": "1.6.0",
          "id": "GHSA-5crp-9r3c-p9vr",
          "aliases": ["CVE-2024-21907"],
          "summary": "Improper handling of exceptional conditions in Newtonsoft.Json",
          "affected": [
            {
              "package": { "ecosystem": "NuGet", "name": "Newtonsoft.Json" },
              "ranges": [ { "type": "ECOSYSTEM", "events": [ { "introduced": "0" }, { "fixed": "13.0.1" } ] } ],
              "versions": ["12.0.3"]
            }
          ],
          "database_specific": { "severity": "HIGH", "cwe_ids": ["CWE-755"] }
        }
        """;

    private readonly TempDirectory _directory = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_directory_is_read_recursively_and_every_field_is_kept()
    {
        _directory.Write("advisories/github/2024/GHSA-5crp-9r3c-p9vr.json", Advisory);
        _directory.Write("advisories/README.md", "not an advisory");

        var database = await OsvDatabase.LoadAsync(_directory.Combine("advisories"), null, Cancel);

        var advisory = Assert.Single(database.Advisories);
        Assert.Equal(("GHSA-5crp-9r3c-p9vr", "HIGH", "Improper handling of exceptional conditions in Newtonsoft.Json"), (advisory.Id, advisory.Severity, advisory.Summary));
        Assert.Equal(["CVE-2024-21907"], advisory.Aliases);
        var affected = Assert.Single(database.For("NEWTONSOFT.JSON")).Affected;
        Assert.Equal(["12.0.3"], affected.Versions);
        Assert.Equal([(OsvEventKind.Introduced, "0"), (OsvEventKind.Fixed, "13.0.1")], Assert.Single(affected.Ranges).Events.Select(e => (e.Kind, e.Version)));
    }

    [Fact]
    public async Task A_zip_on_disk_or_behind_a_URL_and_one_advisory_behind_a_URL_load_the_same_advisories()
    {
        var zip = Zip(("nuget/GHSA-5crp-9r3c-p9vr.json", Advisory), ("nuget/GHSA-other.json", Advisory.Replace("GHSA-5crp-9r3c-p9vr", "GHSA-other", StringComparison.Ordinal)));
        var path = _directory.Combine("all.zip");
        await File.WriteAllBytesAsync(path, zip, Cancel);
        using var http = new HttpClient(new Served(new Dictionary<string, byte[]>
        {
            ["/osv/NuGet/all.zip"] = zip,
            ["/osv/GHSA-5crp-9r3c-p9vr.json"] = Encoding.UTF8.GetBytes(Advisory),
        }));

        var fromFile = await OsvDatabase.LoadAsync(path, null, Cancel);
        var fromUrl = await OsvDatabase.LoadAsync("https://advisories.test/osv/NuGet/all.zip", http, Cancel);
        var single = await OsvDatabase.LoadAsync("https://advisories.test/osv/GHSA-5crp-9r3c-p9vr.json", http, Cancel);
        var missing = await Assert.ThrowsAsync<HttpRequestException>(() => OsvDatabase.LoadAsync("https://advisories.test/osv/none.zip", http, Cancel));

        Assert.Equal(["GHSA-5crp-9r3c-p9vr", "GHSA-other"], fromFile.Advisories.Select(a => a.Id));
        Assert.Equal(fromFile.Advisories.Select(a => a.Id), fromUrl.Advisories.Select(a => a.Id));
        Assert.Equal("GHSA-5crp-9r3c-p9vr", Assert.Single(single.Advisories).Id);
        Assert.Contains("404", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_an_advisory_is_named_in_the_error()
    {
        var bad = _directory.Write("advisories/broken.json", """{ "summary": "no id" }""");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => OsvDatabase.LoadAsync(_directory.Combine("advisories"), null, Cancel));

        Assert.Equal($"{bad} is not an OSV advisory: it has no id", error.Message);
    }

    private static byte[] Zip(params (string Name, string Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = zip.CreateEntry(name).Open();
                stream.Write(Encoding.UTF8.GetBytes(content));
            }
        }

        return buffer.ToArray();
    }

    /// <summary>Answers GETs from a map of paths, 404 otherwise.</summary>
    private sealed class Served(Dictionary<string, byte[]> files) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(files.TryGetValue(request.RequestUri!.AbsolutePath, out var body)
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) }
                : new HttpResponseMessage(HttpStatusCode.NotFound) { ReasonPhrase = "Not Found" });
    }
}
