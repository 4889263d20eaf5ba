using System.Globalization;
using Ctraffic.Testing.Faults.Internal;

namespace Ctraffic.Testing.Faults.Internal;

/// <summary>
/// <see cref="Fault.Loss"/>: each UDP datagram is dropped with the probability, drawn alone —
/// packet loss as a lossy link makes it, not a fraction of connections. UDP only.
/// </summary>
internal sealed record LossFault : Fault
{
    public LossFault(double fraction)
    {
        if (fraction is not (> 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, $"the loss must be in (0, 1], was {fraction.ToString(CultureInfo.InvariantCulture)}.");
        }

        Fraction = fraction;
    }

    public double Fraction { get; }

    private protected override FaultDirection DefaultDirection => FaultDirection.Both;

    private protected override string Describe() => $"loss {Percent(Fraction)}";

    internal override bool ActsOn(bool udp) => udp;

    internal override void Shape(ref ChunkPlan plan, FlowState flow, int length, long now, TimeProvider time)
    {
        if (Random.Shared.NextDouble() < Fraction)
        {
            plan.Decide(Verdict.Drop);
        }
    }
}
