using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Sluice.Model.Diagnostics;
using Sluice.Model.Yaml;

namespace Sluice.Catalog.Charts;

/// <summary>A chart's files, as Helm's loader finds them and its archive writer orders them.</summary>
internal static class ChartTree
{
    /// <summary>
    /// The files of a chart directory by relative path (with <c>/</c>), in the order Go's directory walk
    /// visits them (names sorted byte-wise within each directory), leaving out ignored paths.
    /// Symbolic links are followed, as Helm follows them.
    /// </summary>
    public static OrderedFiles Walk(string root, HelmIgnore ignore)
    {
        var files = new OrderedFiles();
        Visit(new DirectoryInfo(root), "");
        return files;

        void Visit(DirectoryInfo directory, string prefix)
        {
            foreach (var item in directory.EnumerateFileSystemInfos().OrderBy(i => i.Name, StringComparer.Ordinal))
            {
                var path = prefix + item.Name;
                var isDirectory = item is DirectoryInfo || (item.LinkTarget is not null && Directory.Exists(item.FullName));
                if (ignore.Ignores(path, isDirectory))
                {
                    continue;
                }

                if (isDirectory)
                {
                    Visit(new DirectoryInfo(item.FullName), path + "/");
                }
                else
                {
                    files[path] = File.ReadAllBytes(item.FullName);
                }
            }
        }
    }

    /// <summary>The archive's entries: the chart's files under <c>NAME/</c> in Helm's order, then its subcharts'.</summary>
    public static List<(string Name, byte[] Content)> Order(string name, string apiVersion, OrderedFiles files)
    {
        var entries = new List<(string, byte[])>();
        Add(entries, name, apiVersion, files, "");
        return entries;
    }

    private static void Add(List<(string, byte[])> entries, string name, string apiVersion, OrderedFiles files, string prefix)
    {
        var baseName = prefix + name + "/";
        void Put(string path)
        {
            if (files.TryGetValue(path, out var content))
            {
                entries.Add((baseName + path, content));
            }
        }

        Put(ChartFile.FileName);
        if (apiVersion == "v2")
        {
            Put("Chart.lock");
        }

        Put(ChartSource.ValuesFile);
        Put(ChartSource.SchemaFile);
        var placed = new HashSet<string>(StringComparer.Ordinal) { ChartFile.FileName, ChartSource.ValuesFile, ChartSource.SchemaFile };
        if (apiVersion == "v2")
        {
            placed.Add("Chart.lock");
        }

        foreach (var path in files.Keys.Where(p => p.StartsWith("templates/", StringComparison.Ordinal)))
        {
            entries.Add((baseName + path, files[path]));
        }

        foreach (var path in files.Keys.Where(p => !placed.Contains(p) && !p.StartsWith("templates/", StringComparison.Ordinal) &&
            (!p.StartsWith("charts/", StringComparison.Ordinal) || p.EndsWith(".prov", StringComparison.Ordinal))))
        {
            entries.Add((baseName + path, files[path]));
        }

        var subcharts = files.Keys
            .Where(p => p.StartsWith("charts/", StringComparison.Ordinal) && !p.EndsWith(".prov", StringComparison.Ordinal))
            .GroupBy(p => p["charts/".Length..].Split('/')[0])
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in subcharts)
        {
            var subchart = new OrderedFiles();
            var single = group.Count() == 1 && group.First() == "charts/" + group.Key;
            if (single && group.Key.EndsWith(".tgz", StringComparison.Ordinal))
            {
                subchart = Unpack(files[group.First()]);
            }
            else if (!single)
            {
                foreach (var path in group)
                {
                    subchart[path[("charts/" + group.Key + "/").Length..]] = files[path];
                }
            }
            else
            {
                // A loose file under charts/ is no chart; Helm would refuse it, so it is kept as a file.
                entries.Add((baseName + group.First(), files[group.First()]));
                continue;
            }

            var (subName, subApiVersion) = NameOf(subchart, group.Key);
            Add(entries, subName, subApiVersion, subchart, baseName + "charts/");
        }
    }

    private static (string Name, string ApiVersion) NameOf(OrderedFiles chart, string fallback)
    {
        if (chart.TryGetValue(ChartFile.FileName, out var bytes) &&
            YamlReader.Read(Encoding.UTF8.GetString(bytes), ChartFile.FileName, new DiagnosticBag()).FirstOrDefault()?.Root is YamlMapping root)
        {
            return ((root.Get("name") as YamlScalar)?.Value ?? fallback, (root.Get("apiVersion") as YamlScalar)?.Value ?? "v2");
        }

        return (fallback.EndsWith(".tgz", StringComparison.Ordinal) ? fallback[..^4] : fallback, "v2");
    }

    /// <summary>The files of a packaged chart, by path below its top directory, in the archive's order.</summary>
    public static OrderedFiles Unpack(byte[] archive)
    {
        var files = new OrderedFiles();
        using var gzip = new GZipStream(new MemoryStream(archive, writable: false), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
            {
                continue;
            }

            var slash = entry.Name.IndexOf('/', StringComparison.Ordinal);
            using var content = new MemoryStream();
            entry.DataStream.CopyTo(content);
            files[slash < 0 ? entry.Name : entry.Name[(slash + 1)..]] = content.ToArray();
        }

        return files;
    }
}

/// <summary>Files by path, kept in the order they were added.</summary>
internal sealed class OrderedFiles
{
    private readonly List<string> _order = [];
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);

    public IEnumerable<string> Keys => _order;

    public byte[] this[string path]
    {
        get => _files[path];
        set
        {
            if (_files.TryAdd(path, value))
            {
                _order.Add(path);
            }
            else
            {
                _files[path] = value;
            }
        }
    }

    public bool TryGetValue(string path, out byte[] content) => _files.TryGetValue(path, out content!);
}
