#!/usr/bin/env -S dotnet run
// The service pipeline of examples/sdk/hello-service, as a program. It uses the pipeline library
// Sluice.Examples.ServicePipeline (packed from ServicePipeline/ by pack.sh, restored through the
// repository's nuget.config) on the engine embedded in Sluice.Hosting:
//
//   dotnet run build.cs -- build                 compile the service
//   dotnet run build.cs -- test                  build and run its tests
//   dotnet run build.cs -- publish               binaries per platform into ./out
//   dotnet run build.cs -- all --registry localhost:5000 --version 1.2.3
//                                                test, then push one image index for both platforms
//
// Every step is cached by its inputs: run it twice and the second run starts no container.
#:package Sluice.Hosting@0.1.0
#:package Sluice.Examples.ServicePipeline@0.1.0
#:property PublishAot=false

using Sluice.Examples.ServicePipeline;
using Sluice.Hosting;
using Sluice.Hosting.Containers;
using Sluice.Sdk.Containers;
using Sluice.Sdk.Programs;

// The embedded engine runs containers on this machine's Docker, which Sluice supports on Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

var here = AppContext.GetData("EntryPointFileDirectoryPath") as string ?? Environment.CurrentDirectory;
var program = new PipelineProgram("service-pipeline", "Builds, tests and publishes one .NET service for linux/amd64 and linux/arm64.");
var service = program.Param("service", "The service's directory, with its solution.", Path.Combine(here, "hello-service"));
var project = program.Param("project", "The project to publish, relative to the service's directory.", "Hello.Service/Hello.Service.csproj");
var version = program.Param("version", "The version of the binaries and the image.", "0.1.0");
var platforms = program.ArrayParam("platforms", "The platforms to build for.", [Platforms.LinuxAmd64, Platforms.LinuxArm64]);
var registry = program.Param("registry", "The registry (and path) the image is pushed to.", "localhost:5000/sluice-examples");
var output = program.Param("output", "Where publish writes the binaries.", "out");

program.Command("build", "Compiles the service in Release.", cancellationToken =>
    WithPipelineAsync(async pipeline => Console.Write(await pipeline.Build().StdoutAsync(cancellationToken)), cancellationToken));

program.Command("test", "Builds the service and runs its tests.", cancellationToken =>
    WithPipelineAsync(async pipeline => Console.Write(await pipeline.Test().StdoutAsync(cancellationToken)), cancellationToken));

program.Command("publish", "Writes self-contained binaries for each platform under the output directory.", cancellationToken =>
    WithPipelineAsync(async pipeline =>
    {
        await Task.WhenAll(platforms.Values.Select(async platform =>
        {
            var target = Path.GetFullPath(Path.Combine(output.Value, Platforms.RuntimeIdentifier(platform)));
            await pipeline.Binaries(platform).ExportAsync(target, cancellationToken);
            Console.WriteLine($"{platform}: {target}");
        }));
    }, cancellationToken));

program.Command("all", "Tests the service, then pushes one image index of every platform to the registry.", cancellationToken =>
    WithPipelineAsync(async pipeline =>
    {
        var name = Path.GetFileNameWithoutExtension(project.Value).ToLowerInvariant();
        var image = await pipeline.PublishAsync($"{registry.Value}/{name}:{version.Value}", cancellationToken);
        Console.WriteLine($"published {image}");
    }, cancellationToken), isDefault: true);

return await program.RunAsync(args);

async Task WithPipelineAsync(Func<ServicePipeline, Task> action, CancellationToken cancellationToken)
{
    // The stand-in images of eng/images apply when this runs in Sluice's repository.
    var standIns = Path.GetFullPath(Path.Combine(here, "..", "..", "eng", "images", "standins.yaml"));
    var options = new SessionOptions { ConfigFiles = File.Exists(standIns) ? [standIns] : [] };
    await using var client = await SluiceClient.ConnectAsync(options, cancellationToken);
    await action(new ServicePipeline(client, new ServiceOptions
    {
        Directory = service.Value,
        Project = project.Value,
        Version = version.Value,
        Platforms = platforms.Values,
    }));
}
