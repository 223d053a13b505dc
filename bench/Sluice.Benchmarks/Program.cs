using Sluice.Benchmarks;

var suites = args.Length == 0 ? ["engine"] : args;
var figures = new List<Figure>();
foreach (var suite in suites)
{
    Console.Error.WriteLine($"running {suite}...");
    switch (suite)
    {
        case "engine":
            figures.Add(await EngineBenchmark.RunAsync(10_000));
            break;
        case "engine-small":
            figures.Add(await EngineBenchmark.RunAsync(1_000));
            break;
        case "docker":
            figures.AddRange(await DockerBenchmarks.RunAsync());
            break;
        case "host":
            figures.AddRange(await HostBenchmarks.RunAsync(Setting("SLUICE_BINARY", "artifacts/sluice/sluice")));
            break;
        case "matrix":
            figures.Add(await MatrixBenchmark.RunAsync(Setting("SLUICE_BINARY", "artifacts/sluice/sluice")));
            break;
        case "sdk-cache":
            figures.AddRange(await SdkCacheBenchmark.RunAsync());
            break;
        case "image-build":
            figures.AddRange(await ImageBuildBenchmark.RunAsync(Setting("SLUICE_EXAMPLE_SERVICE", "examples/sdk/hello-service")));
            break;
        case "service-pipeline":
            figures.AddRange(await ServicePipelineBenchmark.RunAsync(Setting("SLUICE_REPOSITORY", "."), Setting("SLUICE_BINARY", "artifacts/sluice/sluice")));
            break;
        case "tree":
            figures.Add(await TreeBenchmark.RunAsync());
            break;
        case "history":
            figures.AddRange(await HistoryBenchmarks.RunAsync(Setting("SLUICE_BINARY", "artifacts/sluice/sluice")));
            break;
        case "validate":
            figures.Add(ValidateBenchmark.Run(Setting("SLUICE_BINARY", "artifacts/sluice/sluice"), Setting("SLUICE_CONFORMANCE_DIR", "../shared/conformance")));
            break;
        default:
            Console.Error.WriteLine($"unknown suite {suite}; known: engine, engine-small, docker, sdk-cache, host, history, image-build, matrix, service-pipeline, tree, validate");
            return 2;
    }
}

Console.WriteLine($"Sluice benchmarks, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores");
foreach (var figure in figures)
{
    Console.WriteLine(figure);
}

return figures.All(f => f.Met) ? 0 : 1;

static string Setting(string name, string fallback) =>
    Path.GetFullPath(Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback);
