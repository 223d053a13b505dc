using System.IO.Compression;
using Sluice.Oci.Building;

namespace Sluice.Oci.Tests;

public sealed class DotnetLayersTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_self_contained_publish_splits_into_its_runtime_then_its_packages_and_leaves_the_rest_to_the_application()
    {
        var publish = Publish("app", SelfContainedDeps, "App", "App.dll", "App.pdb", "App.deps.json", "System.Private.CoreLib.dll", "libcoreclr.so",
            "createdump", "Microsoft.AspNetCore.Http.dll", "Serilog.dll", "de/Serilog.resources.dll", "appsettings.json");

        var parts = DotnetLayers.Of(publish);

        Assert.Equal([".NET runtime", "NuGet packages"], parts.Select(p => p.Name));
        Assert.Equal(["Microsoft.AspNetCore.Http.dll", "System.Private.CoreLib.dll", "createdump", "libcoreclr.so"], parts[0].Files.Order(StringComparer.Ordinal));
        Assert.Equal(["Serilog.dll", "de/Serilog.resources.dll"], parts[1].Files.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_portable_publish_keeps_runtime_specific_assets_at_their_own_paths()
    {
        var publish = Publish("portable", PortableDeps, "App.dll", "App.deps.json", "Native.Wrapper.dll", "runtimes/linux-x64/native/libwrapper.so", "runtimes/linux-arm64/native/libwrapper.so");

        var parts = DotnetLayers.Of(publish);

        Assert.Equal("NuGet packages", Assert.Single(parts).Name);
        Assert.Equal(["Native.Wrapper.dll", "runtimes/linux-arm64/native/libwrapper.so", "runtimes/linux-x64/native/libwrapper.so"], parts[0].Files.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("two")]
    [InlineData("broken")]
    [InlineData("application-only")]
    public void A_directory_without_one_readable_deps_file_listing_more_than_the_application_is_not_split(string kind)
    {
        var publish = kind switch
        {
            "none" => Publish("none", null, "App.dll", "libcoreclr.so"),
            "two" => Publish("two", SelfContainedDeps, "App.dll", "Other.deps.json", "libcoreclr.so"),
            "broken" => Publish("broken", "{ \"targets\": ", "App.dll", "libcoreclr.so"),
            _ => Publish("application-only", """{ "targets": { "t": { "App/1.0.0": { "runtime": { "App.dll": {} } } } }, "libraries": { "App/1.0.0": { "type": "project" } } }""", "App.dll"),
        };

        Assert.Empty(DotnetLayers.Of(publish));
    }

    [Fact]
    public void Assets_named_outside_the_directory_are_never_taken()
    {
        var publish = Publish("escape", """
            { "targets": { "t": { "Evil/1.0.0": { "runtime": { "../outside.dll": {}, "/etc/passwd": {}, "lib/./x.dll": {} } } } },
              "libraries": { "Evil/1.0.0": { "type": "package" } } }
            """, "App.dll");
        File.WriteAllText(_directory.Combine("outside.dll"), "x");

        Assert.Empty(DotnetLayers.Of(publish));
    }

    [Fact]
    public async Task The_directory_memo_gives_back_what_it_was_told_per_level_and_nothing_for_an_unknown_or_damaged_entry()
    {
        var memo = new DirectoryLayerMemo(_directory.Combine("memo"));
        var diffId = Digest.Sha256("tar"u8);
        var compressed = new Descriptor { MediaType = MediaTypes.LayerGzip, Digest = Digest.Sha256("gz"u8), Size = 42 };

        Assert.Null(await memo.RecallAsync(diffId, CompressionLevel.Fastest, Cancel));
        await memo.RememberAsync(diffId, CompressionLevel.Fastest, compressed, Cancel);

        Assert.Equal(compressed, await memo.RecallAsync(diffId, CompressionLevel.Fastest, Cancel));
        Assert.Null(await memo.RecallAsync(diffId, CompressionLevel.Optimal, Cancel));
        var file = Assert.Single(Directory.GetFiles(_directory.Combine("memo"), "*", SearchOption.AllDirectories));
        File.WriteAllText(file, "sha256:not-a-digest\n42\n");
        Assert.Null(await memo.RecallAsync(diffId, CompressionLevel.Fastest, Cancel));
    }

    private string Publish(string name, string? deps, params string[] files)
    {
        var root = _directory.Combine(name);
        foreach (var file in files)
        {
            var path = Path.Combine(root, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, file.EndsWith(".deps.json", StringComparison.Ordinal) ? "{}" : file);
        }

        Directory.CreateDirectory(root);
        if (deps is not null)
        {
            File.WriteAllText(Path.Combine(root, "App.deps.json"), deps);
        }

        return root;
    }

    /// <summary>The shape <c>dotnet publish -r linux-x64 --self-contained</c> writes: runtime packs, a package with a satellite assembly, the project.</summary>
    private const string SelfContainedDeps = """
        {
          "runtimeTarget": { "name": ".NETCoreApp,Version=v10.0/linux-x64", "signature": "" },
          "targets": {
            ".NETCoreApp,Version=v10.0": {},
            ".NETCoreApp,Version=v10.0/linux-x64": {
              "App/1.0.0": { "dependencies": { "Serilog": "4.0.0" }, "runtime": { "App.dll": {} } },
              "Serilog/4.0.0": {
                "runtime": { "lib/net8.0/Serilog.dll": { "assemblyVersion": "4.0.0.0" } },
                "resources": { "lib/net8.0/de/Serilog.resources.dll": { "locale": "de" } }
              },
              "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/10.0.0": {
                "runtime": { "System.Private.CoreLib.dll": {} },
                "native": { "createdump": {}, "libcoreclr.so": {}, "libmissing.so": {} }
              },
              "runtimepack.Microsoft.AspNetCore.App.Runtime.linux-x64/10.0.0": { "runtime": { "Microsoft.AspNetCore.Http.dll": {} } }
            }
          },
          "libraries": {
            "App/1.0.0": { "type": "project", "serviceable": false, "sha512": "" },
            "Serilog/4.0.0": { "type": "package", "serviceable": true, "sha512": "sha512-x", "path": "serilog/4.0.0" },
            "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/10.0.0": { "type": "runtimepack", "serviceable": false, "sha512": "" },
            "runtimepack.Microsoft.AspNetCore.App.Runtime.linux-x64/10.0.0": { "type": "runtimepack", "serviceable": false, "sha512": "" }
          }
        }
        """;

    /// <summary>The shape of a portable (framework-dependent, no runtime) publish with a package carrying native assets per runtime.</summary>
    private const string PortableDeps = """
        {
          "targets": {
            ".NETCoreApp,Version=v10.0": {
              "App/1.0.0": { "runtime": { "App.dll": {} } },
              "Native.Wrapper/2.0.0": {
                "runtime": { "lib/net8.0/Native.Wrapper.dll": {} },
                "runtimeTargets": {
                  "runtimes/linux-x64/native/libwrapper.so": { "rid": "linux-x64", "assetType": "native" },
                  "runtimes/linux-arm64/native/libwrapper.so": { "rid": "linux-arm64", "assetType": "native" }
                }
              }
            }
          },
          "libraries": {
            "App/1.0.0": { "type": "project" },
            "Native.Wrapper/2.0.0": { "type": "package", "path": "native.wrapper/2.0.0" }
          }
        }
        """;
}
