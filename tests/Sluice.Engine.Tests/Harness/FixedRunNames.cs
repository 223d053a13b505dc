using Sluice.Engine.Runs;

namespace Sluice.Engine.Tests.Harness;

/// <summary>Predictable names: <c>generateName</c> gets the suffix <c>x7k2p</c>, uids count up.</summary>
public sealed class FixedRunNames : IRunNames
{
    private int _uids;

    /// <inheritdoc />
    public string Generate(string prefix) => prefix + "x7k2p";

    /// <inheritdoc />
    public string NewUid() => $"uid-{Interlocked.Increment(ref _uids)}";
}
