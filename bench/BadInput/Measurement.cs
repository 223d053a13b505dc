namespace Sluice.Benchmarks.BadInput;

/// <summary>The runs of <c>sluice validate</c> on one input.</summary>
/// <param name="Name">The corpus name of the input.</param>
/// <param name="ExitCodes">Each run's exit code.</param>
/// <param name="Seconds">Each run's wall time.</param>
/// <param name="PeakMegabytes">Each run's peak resident memory.</param>
/// <param name="BaselineSeconds">The wall time of the valid baseline run just before each run.</param>
internal sealed record Measurement(string Name, IReadOnlyList<int> ExitCodes, IReadOnlyList<double> Seconds, IReadOnlyList<double> PeakMegabytes, IReadOnlyList<double> BaselineSeconds)
{
    public double MedianSeconds => Median(Seconds);

    /// <summary>The median wall time against the median of the baseline runs made alongside.</summary>
    public double Ratio => MedianSeconds / Median(BaselineSeconds);

    public double MaxSeconds => Seconds.Max();

    public double MaxPeakMegabytes => PeakMegabytes.Max();

    public int ExitCode => ExitCodes.All(c => c == ExitCodes[0]) ? ExitCodes[0] : -1;

    private static double Median(IReadOnlyList<double> values) => values.Order().ElementAt(values.Count / 2);
}
