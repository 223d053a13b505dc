using System.Globalization;

namespace Sluice.Benchmarks;

/// <summary>One benchmark's figure against its target.</summary>
/// <param name="Name">What was measured.</param>
/// <param name="Measured">The figure.</param>
/// <param name="Unit">Its unit.</param>
/// <param name="Target">The target.</param>
/// <param name="Detail">How it was obtained: the raw work it is compared with.</param>
/// <param name="LowerIsBetter">Whether the figure must stay under the target (else over it).</param>
internal sealed record Figure(string Name, double Measured, string Unit, double Target, string Detail, bool LowerIsBetter = true)
{
    public bool Met => LowerIsBetter ? Measured <= Target : Measured >= Target;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name,-58} {Measured,10:0.###} {Unit,-8} target {(LowerIsBetter ? "<=" : ">=")} {Target:0.###}  {(Met ? "met" : "MISSED")}\n    {Detail}");
}
