using System.Text;
using Sluice.Oci.Layers;

namespace Sluice.Oci.Tests.Registry;

/// <summary>A small real image for one platform: one reproducible layer, its config and manifest.</summary>
internal sealed record TestImage(Platform Platform, byte[] LayerBytes, Layer Layer, OciContent Config, OciContent Manifest)
{
    public static async Task<TestImage> BuildAsync(string platform, string text, CancellationToken cancellationToken)
    {
        var target = Oci.Platform.Parse(platform, out _)!;
        using var buffer = new MemoryStream();
        var layer = await new LayerBuilder()
            .AddContent("/etc/platform", Encoding.UTF8.GetBytes(platform + "\n"))
            .AddContent("/app/message.txt", Encoding.UTF8.GetBytes(text))
            .WriteAsync(buffer, cancellationToken);
        var config = OciContent.Create(new ImageConfig
        {
            Created = DateTimeOffset.UnixEpoch,
            Architecture = target.Architecture,
            Os = target.Os,
            Variant = target.Variant,
            Config = new ContainerConfig { Env = ["PATH=/usr/bin:/bin"], Cmd = ["/bin/true"], WorkingDir = "/app" },
            RootFs = new RootFs { DiffIds = [layer.DiffId] },
            History = [new HistoryEntry { Created = DateTimeOffset.UnixEpoch, CreatedBy = "sluice test layer" }],
        });
        var manifest = OciContent.Create(new ImageManifest { Config = config.Descriptor, Layers = [layer.Descriptor] });
        return new TestImage(target, buffer.ToArray(), layer, config, manifest);
    }

    /// <summary>The manifest's descriptor as an index lists it.</summary>
    public Descriptor IndexEntry => Manifest.Descriptor with { Platform = Platform };

    /// <summary>An index of images, as a multi-platform build makes it.</summary>
    public static OciContent Index(params TestImage[] images) =>
        OciContent.Create(new ImageIndex { Manifests = [.. images.Select(i => i.IndexEntry)] });
}
