using System.Collections.Immutable;
using System.Text;

namespace Sluice.Oci.Tests;

/// <summary>
/// The image-spec's own examples (manifest.md, descriptor.md), written back byte for byte with the
/// specification's two-space indentation, and in compact canonical form.
/// </summary>
public sealed class SpecExampleTests
{
    // manifest.md, "Example Image Manifest".
    private const string ManifestExample = """
        {
          "schemaVersion": 2,
          "mediaType": "application/vnd.oci.image.manifest.v1+json",
          "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": "sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7",
            "size": 7023
          },
          "layers": [
            {
              "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
              "digest": "sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0",
              "size": 32654
            },
            {
              "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
              "digest": "sha256:3c3a4604a545cdc127456d94e421cd355bca5b528f4a9c1905b15da2eb4a4c6b",
              "size": 16724
            },
            {
              "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
              "digest": "sha256:ec4b8955958665577945c89419d1af06b5f7636b4ac3da7f12184802ad867736",
              "size": 73109
            }
          ],
          "subject": {
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": "sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270",
            "size": 7682
          },
          "annotations": {
            "com.example.key1": "value1",
            "com.example.key2": "value2"
          }
        }
        """;

    // manifest.md, the empty descriptor with its data embedded.
    private const string EmptyDescriptorExample = """
        {
          "mediaType": "application/vnd.oci.empty.v1+json",
          "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
          "size": 2,
          "data": "e30="
        }
        """;

    // manifest.md, "Artifact with config".
    private const string ArtifactExample = """
        {
          "schemaVersion": 2,
          "mediaType": "application/vnd.oci.image.manifest.v1+json",
          "artifactType": "application/vnd.example+type",
          "config": {
            "mediaType": "application/vnd.example.config.v1+json",
            "digest": "sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03",
            "size": 123
          },
          "layers": [
            {
              "mediaType": "application/vnd.example.data.v1.tar+gzip",
              "digest": "sha256:e258d248fda94c63753607f7c4494ee0fcbe92f1a76bfdac795c9d84101eb317",
              "size": 1234
            }
          ]
        }
        """;

    [Fact]
    public void The_image_manifest_example_is_written_back_byte_for_byte()
    {
        var manifest = OciJson.Deserialize<ImageManifest>(Encoding.UTF8.GetBytes(ManifestExample));

        Assert.Equal(3, manifest.Layers.Length);
        Assert.Equal(7682, manifest.Subject!.Size);
        Assert.Equal(ManifestExample, Indented(manifest));
        Assert.Equal(Minified(ManifestExample), Encoding.UTF8.GetString(OciJson.Serialize(manifest)));
    }

    [Fact]
    public void The_empty_descriptor_is_the_specs_example_and_its_digest_is_that_of_braces()
    {
        Assert.Equal(EmptyDescriptorExample, Indented(Descriptor.Empty));
        Assert.Equal("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", Digest.Sha256("{}"u8).ToString());
        Assert.Equal("{}", Encoding.UTF8.GetString(OciJson.Deserialize<Descriptor>(Encoding.UTF8.GetBytes(EmptyDescriptorExample)).Data!.Value.Span));
    }

    [Fact]
    public void An_artifact_manifest_built_in_code_is_the_specs_example()
    {
        var manifest = new ImageManifest
        {
            ArtifactType = "application/vnd.example+type",
            Config = new Descriptor
            {
                MediaType = "application/vnd.example.config.v1+json",
                Digest = Digest.Parse("sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"),
                Size = 123,
            },
            Layers =
            [
                new Descriptor
                {
                    MediaType = "application/vnd.example.data.v1.tar+gzip",
                    Digest = Digest.Parse("sha256:e258d248fda94c63753607f7c4494ee0fcbe92f1a76bfdac795c9d84101eb317"),
                    Size = 1234,
                },
            ],
        };

        Assert.Equal(ArtifactExample, Indented(manifest));
    }

    [Fact]
    public void Annotations_are_written_sorted_and_empty_optional_fields_are_left_out()
    {
        var descriptor = new Descriptor
        {
            MediaType = MediaTypes.ImageManifest,
            Digest = Digest.Sha256("x"u8),
            Size = 1,
            Annotations = new Dictionary<string, string> { ["z"] = "1", ["a"] = "2", ["M"] = "3" },
            Urls = [],
        };

        var json = Encoding.UTF8.GetString(OciJson.Serialize(descriptor));

        Assert.Equal($$$"""{"mediaType":"{{{MediaTypes.ImageManifest}}}","digest":"{{{Digest.Sha256("x"u8)}}}","size":1,"annotations":{"M":"3","a":"2","z":"1"}}""", json);
        Assert.Equal(json, Encoding.UTF8.GetString(OciJson.Serialize(OciJson.Deserialize<Descriptor>(Encoding.UTF8.GetBytes(json)))));
    }

    [Fact]
    public void An_index_with_platforms_has_the_field_order_of_the_specs_go_types()
    {
        var index = new ImageIndex
        {
            Manifests =
            [
                new Descriptor { MediaType = MediaTypes.ImageManifest, Digest = Digest.Sha256("a"u8), Size = 7, Platform = new Platform { Os = "linux", Architecture = "arm", Variant = "v7" } },
            ],
        };

        Assert.Equal(
            $$$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{Digest.Sha256("a"u8)}}}","size":7,"platform":{"architecture":"arm","os":"linux","variant":"v7"}}]}""",
            Encoding.UTF8.GetString(OciJson.Serialize(index)));
        Assert.Equal("linux/arm/v7", index.ForPlatform(Platform.Parse("linux/arm", out _)!)!.Platform!.ToString());
        Assert.Null(index.ForPlatform(Platform.Parse("linux/arm64", out _)!));
    }

    [Fact]
    public void The_config_example_is_read_and_written_in_go_order_with_utc_times()
    {
        var example = """
            {"created":"2015-10-31T22:22:56.015925234Z","author":"Alyssa P. Hacker <alyspdev@example.com>","architecture":"amd64","os":"linux",
             "config":{"User":"alice","ExposedPorts":{"8080/tcp":{}},"Env":["PATH=/usr/bin","FOO=oci_is_a"],"Entrypoint":["/bin/my-app-binary"],
             "Cmd":["--foreground"],"Volumes":{"/var/log/my-app-logs":{},"/var/job-result-data":{}},"WorkingDir":"/home/alice",
             "Labels":{"com.example.project.git.url":"https://example.com/project.git"}},
             "rootfs":{"diff_ids":["sha256:c6f988f4874bb0add23a778f753c65efe992244e148a1d2ec2a8b664fb66bbd1"],"type":"layers"},
             "history":[{"created":"2015-10-31T22:22:55.613815829Z","created_by":"/bin/sh -c #(nop) CMD [\"sh\"]","empty_layer":true}]}
            """;

        var config = OciJson.Deserialize<ImageConfig>(Encoding.UTF8.GetBytes(example));
        var written = Encoding.UTF8.GetString(OciJson.Serialize(config));

        Assert.Equal(["/var/job-result-data", "/var/log/my-app-logs"], config.Config!.Volumes);
        Assert.True(config.History[0].EmptyLayer);
        Assert.Equal(
            """{"created":"2015-10-31T22:22:56.0159252Z","author":"Alyssa P. Hacker <alyspdev@example.com>","architecture":"amd64","os":"linux","config":{"User":"alice","ExposedPorts":{"8080/tcp":{}},"Env":["PATH=/usr/bin","FOO=oci_is_a"],"Entrypoint":["/bin/my-app-binary"],"Cmd":["--foreground"],"Volumes":{"/var/job-result-data":{},"/var/log/my-app-logs":{}},"WorkingDir":"/home/alice","Labels":{"com.example.project.git.url":"https://example.com/project.git"}},"rootfs":{"type":"layers","diff_ids":["sha256:c6f988f4874bb0add23a778f753c65efe992244e148a1d2ec2a8b664fb66bbd1"]},"history":[{"created":"2015-10-31T22:22:55.6138158Z","created_by":"/bin/sh -c #(nop) CMD [\"sh\"]","empty_layer":true}]}""",
            written);
    }

    [Fact]
    public void A_reproducible_config_has_an_epoch_time_and_always_the_same_digest()
    {
        ImageConfig Make() => new()
        {
            Created = DateTimeOffset.UnixEpoch,
            Architecture = "arm64",
            Os = "linux",
            Config = new ContainerConfig { Env = ["A=1"], Labels = ImmutableDictionary<string, string>.Empty.Add("b", "2").Add("a", "1") },
            RootFs = new RootFs { DiffIds = [Digest.Sha256("layer"u8)] },
        };

        var first = OciContent.Create(Make());
        var second = OciContent.Create(Make());

        Assert.Equal(first.Descriptor, second.Descriptor);
        Assert.Contains("\"created\":\"1970-01-01T00:00:00Z\"", Encoding.UTF8.GetString(first.Bytes.Span), StringComparison.Ordinal);
        Assert.Contains("\"Labels\":{\"a\":\"1\",\"b\":\"2\"}", Encoding.UTF8.GetString(first.Bytes.Span), StringComparison.Ordinal);
    }

    [Fact]
    public void Docker_manifest_lists_and_null_slices_are_read()
    {
        var list = """
            {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[
             {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","size":528,"digest":"sha256:3f1b3e4ab0a4c2e8d7d5e1c2a1b3e4ab0a4c2e8d7d5e1c2a1b3e4ab0a4c2e8d7","platform":{"architecture":"amd64","os":"linux"}}]}
            """;
        var config = """{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":null},"history":null}""";

        var index = OciJson.Deserialize<ImageIndex>(Encoding.UTF8.GetBytes(list));
        var read = OciJson.Deserialize<ImageConfig>(Encoding.UTF8.GetBytes(config));

        Assert.Equal(MediaTypes.DockerManifestList, index.MediaType);
        Assert.True(MediaTypes.IsIndex(index.MediaType));
        Assert.Empty(read.RootFs.DiffIds);
        Assert.Equal("""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}""", Encoding.UTF8.GetString(OciJson.Serialize(read)));
    }

    [Fact]
    public void A_document_that_is_not_a_manifest_is_an_error_value_naming_the_field()
    {
        var manifest = OciJson.Deserialize<ImageManifest>("""{"schemaVersion":2,"layers":[]}"""u8, out var error);

        Assert.Null(manifest);
        Assert.StartsWith("not a valid OCI image manifest:", error, StringComparison.Ordinal);
        Assert.Contains("config", error, StringComparison.Ordinal);
    }

    private static string Indented<T>(T value) => Encoding.UTF8.GetString(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(value, OciJson.IndentedOptions));

    private static string Minified(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return System.Text.Json.JsonSerializer.Serialize(document.RootElement, new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }
}
