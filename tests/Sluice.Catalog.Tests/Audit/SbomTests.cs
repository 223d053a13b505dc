using System.Text;
using System.Text.Json.Nodes;
using Sluice.Catalog.Audit;

namespace Sluice.Catalog.Tests.Audit;

/// <summary>CycloneDX bills from hand-written restore outputs: every package once, scopes, graph, and the same bytes each time.</summary>
public sealed class SbomTests : IDisposable
{
    private static readonly string Sha = Convert.ToBase64String(Enumerable.Range(0, 64).Select(i => (byte)i).ToArray());

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Every_package_of_every_project_and_target_is_one_component_with_purl_scope_and_hash()
    {
        var (api, core) = WriteProjects();

        var bom = Sbom.FromAssetsFiles([api, core], new SbomOptions { Name = "agenda", Version = "1.2.0" });

        Assert.Equal(
            [
                ("pkg:nuget/Newtonsoft.Json@13.0.3", "required"),
                ("pkg:nuget/runtime.linux-x64.Native@1.0.0", "required"),
                ("pkg:nuget/Serilog@3.1.1", "required"),
                ("pkg:nuget/StyleCop.Analyzers@1.1.118", "excluded"),
                ("pkg:nuget/StyleCop.Analyzers.Unstable@1.2.0.556", "excluded"),
            ],
            bom.Components.Select(c => (c.Purl, c.Scope)));
        Assert.Equal(Convert.ToHexStringLower(Convert.FromBase64String(Sha)), bom.Components[0].Sha512);
        Assert.Null(bom.Components[1].Sha512);
    }

    [Fact]
    public void The_graph_has_the_project_s_direct_packages_and_each_package_s_resolved_dependencies()
    {
        var (api, core) = WriteProjects();

        var bom = Sbom.FromAssetsFiles([api, core], new SbomOptions { Name = "agenda", Version = "1.2.0" });

        Assert.Equal(
            [
                ("agenda@1.2.0", "pkg:nuget/Newtonsoft.Json@13.0.3 pkg:nuget/Serilog@3.1.1 pkg:nuget/StyleCop.Analyzers@1.1.118"),
                ("pkg:nuget/Newtonsoft.Json@13.0.3", "pkg:nuget/runtime.linux-x64.Native@1.0.0"),
                ("pkg:nuget/runtime.linux-x64.Native@1.0.0", ""),
                ("pkg:nuget/Serilog@3.1.1", ""),
                ("pkg:nuget/StyleCop.Analyzers@1.1.118", "pkg:nuget/StyleCop.Analyzers.Unstable@1.2.0.556"),
                ("pkg:nuget/StyleCop.Analyzers.Unstable@1.2.0.556", ""),
            ],
            bom.Dependencies.Select(d => (d.Ref, string.Join(' ', d.DependsOn))));
    }

    [Fact]
    public void The_JSON_is_CycloneDX_1_5_and_the_same_restore_gives_the_same_bytes_without_a_timestamp()
    {
        var (api, core) = WriteProjects();

        var one = Sbom.FromAssetsFiles([api, core], new SbomOptions { Name = "agenda" }).ToJson();
        var two = Sbom.FromAssetsFiles([core, api], new SbomOptions { Name = "agenda" }).ToJson();
        var stamped = JsonNode.Parse(Sbom.FromAssetsFiles([api], new SbomOptions { TimeProvider = new FixedClock(new DateTimeOffset(2026, 11, 26, 20, 15, 0, TimeSpan.FromHours(1))) }).ToJson())!;

        Assert.Equal(Encoding.UTF8.GetString(one), Encoding.UTF8.GetString(two));
        var json = JsonNode.Parse(one)!;
        Assert.Equal(("CycloneDX", "1.5", 1), ((string?)json["bomFormat"], (string?)json["specVersion"], (int)json["version"]!));
        Assert.Null(json["metadata"]!["timestamp"]);
        Assert.Equal(("application", "agenda", "agenda"), ((string?)json["metadata"]!["component"]!["type"], (string?)json["metadata"]!["component"]!["name"], (string?)json["metadata"]!["component"]!["bom-ref"]));
        var first = json["components"]![0]!;
        Assert.Equal(("library", "pkg:nuget/Newtonsoft.Json@13.0.3", "pkg:nuget/Newtonsoft.Json@13.0.3", "SHA-512"), ((string?)first["type"], (string?)first["bom-ref"], (string?)first["purl"], (string?)first["hashes"]![0]!["alg"]));
        Assert.Equal("2026-11-26T19:15:00Z", (string?)stamped["metadata"]!["timestamp"]);
        Assert.Equal(("Agenda.Api", "1.2.0"), ((string?)stamped["metadata"]!["component"]!["name"], (string?)stamped["metadata"]!["component"]!["version"]));
    }

    [Fact]
    public void A_directory_s_restored_projects_are_found_under_obj_and_a_bill_reads_back_its_packages()
    {
        WriteProjects();

        var bom = Sbom.FromDirectory(_directory.Path);
        var read = SbomDocument.ReadComponents(bom.ToJson());

        Assert.Equal(Path.GetFileName(_directory.Path), bom.Name);
        Assert.Equal(bom.Components.Select(c => (c.Name, c.Version, c.Scope)), read.Select(c => (c.Name, c.Version, c.Scope)));
        var empty = Directory.CreateDirectory(_directory.Combine("unrestored")).FullName;
        var missing = Assert.Throws<FileNotFoundException>(() => Sbom.FromDirectory(empty));
        Assert.Contains("run dotnet restore", missing.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Agenda.Api (two targets, a private analyzer, a project reference to Agenda.Core) and Agenda.Core,
    /// which names Newtonsoft.Json in other casing.
    /// </summary>
    private (string Api, string Core) WriteProjects()
    {
        var api = _directory.Write("src/Agenda.Api/obj/project.assets.json", $$"""
            {
              "version": 3,
              "targets": {
                "net10.0": {
                  "Newtonsoft.Json/13.0.3": { "type": "package", "compile": { "lib/net6.0/Newtonsoft.Json.dll": {} } },
                  "StyleCop.Analyzers/1.1.118": { "type": "package", "dependencies": { "StyleCop.Analyzers.Unstable": "1.2.0.556" } },
                  "StyleCop.Analyzers.Unstable/1.2.0.556": { "type": "package" },
                  "Serilog/3.1.1": { "type": "package" },
                  "Agenda.Core/1.0.0": { "type": "project", "framework": ".NETCoreApp,Version=v10.0", "dependencies": { "Serilog": "3.1.1" } }
                },
                "net10.0/linux-x64": {
                  "Newtonsoft.Json/13.0.3": { "type": "package", "dependencies": { "runtime.linux-x64.Native": "1.0.0" } },
                  "runtime.linux-x64.Native/1.0.0": { "type": "package" },
                  "StyleCop.Analyzers/1.1.118": { "type": "package" },
                  "Serilog/3.1.1": { "type": "package" },
                  "Agenda.Core/1.0.0": { "type": "project", "dependencies": { "Serilog": "3.1.1" } }
                }
              },
              "libraries": {
                "Newtonsoft.Json/13.0.3": { "sha512": "{{Sha}}", "type": "package", "path": "newtonsoft.json/13.0.3" },
                "Agenda.Core/1.0.0": { "type": "project", "path": "../Agenda.Core/Agenda.Core.csproj" }
              },
              "project": {
                "version": "1.2.0",
                "restore": { "projectName": "Agenda.Api" },
                "frameworks": {
                  "net10.0": {
                    "dependencies": {
                      "Newtonsoft.Json": { "target": "Package", "version": "[13.0.3, )" },
                      "StyleCop.Analyzers": { "suppressParent": "All", "target": "Package", "version": "[1.1.118, )" }
                    }
                  }
                }
              }
            }
            """);
        var core = _directory.Write("src/Agenda.Core/obj/project.assets.json", """
            {
              "version": 3,
              "targets": {
                "net10.0": {
                  "newtonsoft.json/13.0.3": { "type": "package" },
                  "Serilog/3.1.1": { "type": "package" }
                }
              },
              "libraries": {},
              "project": {
                "version": "1.0.0",
                "restore": { "projectName": "Agenda.Core" },
                "frameworks": { "net10.0": { "dependencies": { "newtonsoft.json": { "target": "Package" }, "Serilog": { "target": "Package" } } } }
              }
            }
            """);
        return (api, core);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
