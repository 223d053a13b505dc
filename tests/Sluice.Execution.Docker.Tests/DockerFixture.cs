using System.Formats.Tar;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Sluice.Execution.Docker.Tests;

/// <summary>
/// A reachable Docker daemon and a tiny busybox image built from the host's static busybox (no
/// registry is reachable here). Fails, never skips, when either is missing.
/// </summary>
public sealed class DockerFixture : IAsyncLifetime
{
    /// <summary>The test image; built once per daemon.</summary>
    public const string BusyboxImage = "sluice-test/busybox:1";

    private static readonly string[] BusyboxLocations = ["/usr/bin/busybox", "/bin/busybox", "/usr/local/bin/busybox"];

    public DockerClient Client { get; private set; } = null!;

    public string BusyboxImageId { get; private set; } = string.Empty;

    public async ValueTask InitializeAsync()
    {
        var endpoint = DockerExecutorOptions.EndpointFromEnvironment();
        Client = new DockerClientConfiguration(new Uri(endpoint)).CreateClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await Client.System.PingAsync(timeout.Token);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException(
                $"These integration tests need a running Docker daemon at {endpoint} and could not reach it ({e.Message}). " +
                "Install and start it: apt-get install -y docker.io busybox-static && /usr/sbin/dockerd &", e);
        }

        BusyboxImageId = await EnsureBusyboxImageAsync();
    }

    public ValueTask DisposeAsync()
    {
        Client.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<string> EnsureBusyboxImageAsync()
    {
        try
        {
            return (await Client.Images.InspectImageAsync(BusyboxImage)).ID;
        }
        catch (DockerImageNotFoundException)
        {
        }

        var busybox = BusyboxLocations.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                $"The test image {BusyboxImage} is built from a static busybox, and none was found at {string.Join(", ", BusyboxLocations)}: apt-get install -y busybox-static");
        using var archive = new MemoryStream();
        await using (var writer = new TarWriter(archive, TarEntryFormat.Ustar, leaveOpen: true))
        {
            await writer.WriteEntryAsync(new UstarTarEntry(TarEntryType.Directory, "bin/") { Mode = (UnixFileMode)0x1ED });
            await writer.WriteEntryAsync(new UstarTarEntry(TarEntryType.Directory, "tmp/") { Mode = (UnixFileMode)0x3FF });
            await writer.WriteEntryAsync(new UstarTarEntry(TarEntryType.Directory, "root/") { Mode = (UnixFileMode)0x1C0 });
            await writer.WriteEntryAsync(new UstarTarEntry(TarEntryType.Directory, "etc/") { Mode = (UnixFileMode)0x1ED });
            await using (var content = File.OpenRead(busybox))
            {
                await writer.WriteEntryAsync(new UstarTarEntry(TarEntryType.RegularFile, "bin/busybox") { Mode = (UnixFileMode)0x1ED, DataStream = content });
            }

            foreach (var applet in await AppletsAsync(busybox))
            {
                await writer.WriteEntryAsync(new UstarTarEntry(TarEntryType.SymbolicLink, $"bin/{applet}") { LinkName = "busybox" });
            }

            var passwd = new MemoryStream("root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/tmp:/bin/sh\n"u8.ToArray());
            await writer.WriteEntryAsync(new UstarTarEntry(TarEntryType.RegularFile, "etc/passwd") { Mode = (UnixFileMode)0x1A4, DataStream = passwd });
        }

        archive.Position = 0;
        await Client.Images.CreateImageAsync(
            new ImagesCreateParameters { FromSrc = "-", Repo = "sluice-test/busybox", Tag = "1", Changes = ["CMD [\"sh\"]", "ENV PATH=/bin"] },
            archive,
            null,
            new Progress<JSONMessage>());
        return (await Client.Images.InspectImageAsync(BusyboxImage)).ID;
    }

    private static async Task<IEnumerable<string>> AppletsAsync(string busybox)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(busybox, "--list") { RedirectStandardOutput = true })!;
        var list = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return list.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(a => a != "busybox");
    }
}

[CollectionDefinition(Name)]
public sealed class DockerCollection : ICollectionFixture<DockerFixture>
{
    public const string Name = "docker";
}
