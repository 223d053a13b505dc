using System.Globalization;
using Sluice.Benchmarks.BadInput;
using Sluice.Cli.Tests.BadInput;

// Every broken input must be refused in under a second (median of the runs) and 200 MB (largest peak),
// as a user meets it: a fresh process each time.
const double TargetSeconds = 1.0;
const double TargetMegabytes = 200;
const string Usage = "usage: Sluice.Benchmarks.BadInput [--sluice PATH] [--runs N]";

var sluice = Path.Combine(AppContext.BaseDirectory, "sluice");
var runs = 3;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--sluice" when i + 1 < args.Length:
            sluice = Path.GetFullPath(args[++i]);
            break;
        case "--runs" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0:
            runs = n;
            i++;
            break;
        default:
            Console.Error.WriteLine(Usage);
            return 2;
    }
}

foreach (var (path, fix) in new[] { (sluice, "build this project (it builds sluice next to it) or pass --sluice PATH"), (ValidateProcess.GnuTime, "apt-get install -y time") })
{
    if (!File.Exists(path))
    {
        Console.Error.WriteLine($"error: {path} does not exist; {fix}");
        return 2;
    }
}

var corpus = Corpus.DirectoryIn(Corpus.RepositoryRoot(typeof(Measurement).Assembly));
var work = Path.Combine(Path.GetTempPath(), "sluice-bench-badinput-" + Guid.NewGuid().ToString("N"));
try
{
    Corpus.Generate(work);
    var baseline = Path.Combine(work, "baseline-valid-task.yaml");
    await File.WriteAllTextAsync(baseline, "apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: hello\nspec:\n  steps:\n    - image: alpine\n      script: echo hello\n");
    var validate = new ValidateProcess(sluice, work);
    Console.WriteLine($"sluice validate on {Corpus.ManifestName}'s inputs, {runs} runs each, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load {LoadAverage()}");
    Console.WriteLine($"binary: {sluice}");

    // Each run of an input follows a run of the valid baseline, so that ratios compare work done under the
    // same machine load (these machines are shared).
    async Task<Measurement> MeasureAsync(string name, string file)
    {
        var results = new List<(int ExitCode, double Seconds, double PeakMegabytes)>();
        var baselines = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            baselines.Add((await validate.RunAsync(baseline)).Seconds);
            results.Add(await validate.RunAsync(file));
        }

        return new Measurement(name, [.. results.Select(r => r.ExitCode)], [.. results.Select(r => r.Seconds)], [.. results.Select(r => r.PeakMegabytes)], baselines);
    }

    var reference = await MeasureAsync("(baseline: a valid Task)", baseline);
    var measurements = new List<Measurement>();
    foreach (var entry in Corpus.ReadManifest(corpus))
    {
        measurements.Add(await MeasureAsync(entry.Name, Corpus.PathOf(entry, corpus, work)));
    }

    var width = Math.Max(40, measurements.Max(m => m.Name.Length));
    Console.WriteLine();
    Console.WriteLine($"{"input".PadRight(width)}  exit  median s  max s  peak MB  x baseline  verdict");
    foreach (var m in measurements.Prepend(reference))
    {
        var verdict = m == reference || m.ExitCode == 2 ? WithinTargets(m) ? "ok" : "MISSES TARGET" : "NOT REFUSED WITH EXIT 2";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{m.Name.PadRight(width)}  {m.ExitCode,4}  {m.MedianSeconds,8:0.000}  {m.MaxSeconds,5:0.00}  {m.MaxPeakMegabytes,7:0.0}  {m.Ratio,10:0.00}  {verdict}"));
    }

    var slowest = measurements.MaxBy(m => m.MedianSeconds)!;
    var largest = measurements.MaxBy(m => m.MaxPeakMegabytes)!;
    var misses = measurements.Where(m => m.ExitCode != 2 || !WithinTargets(m)).ToList();
    Console.WriteLine();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"baseline (valid Task): {reference.MedianSeconds:0.000} s, {reference.MaxPeakMegabytes:0.0} MB"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"worst time:   {slowest.MedianSeconds:0.000} s median, {slowest.MaxSeconds:0.000} s max ({slowest.Ratio:0.00}x baseline) {slowest.Name}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"worst memory: {largest.MaxPeakMegabytes:0.0} MB ({largest.MaxPeakMegabytes / reference.MaxPeakMegabytes:0.00}x baseline) {largest.Name}"));
    Console.WriteLine($"targets (each refused with exit 2 in under {TargetSeconds} s and {TargetMegabytes} MB): {measurements.Count - misses.Count} of {measurements.Count} met; load {LoadAverage()}");
    foreach (var miss in misses)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  missed: {miss.Name} (exit {miss.ExitCode}, {miss.MedianSeconds:0.000} s median, {miss.MaxPeakMegabytes:0.0} MB)"));
    }

    return misses.Count == 0 ? 0 : 1;
}
finally
{
    Directory.Delete(work, recursive: true);
}

static bool WithinTargets(Measurement m) => m.MedianSeconds < TargetSeconds && m.MaxPeakMegabytes < TargetMegabytes;

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
