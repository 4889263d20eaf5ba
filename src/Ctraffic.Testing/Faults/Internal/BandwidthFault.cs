using System.Globalization;
using Ctraffic.Testing.Faults.Internal;

namespace Ctraffic.Testing.Faults.Internal;

/// <summary>
/// <see cref="Fault.Bandwidth"/>: each direction of each connection is a link of the given rate;
/// a chunk is due when the link would have carried its last byte (the link's free time moves on
/// by <c>length / rate</c>, from now if it was idle).
/// </summary>
internal sealed record BandwidthFault : Fault
{
    public BandwidthFault(double kilobytesPerSecond)
    {
        if (!(kilobytesPerSecond is >= MinKilobytesPerSecond and <= MaxKilobytesPerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(kilobytesPerSecond), kilobytesPerSecond, string.Create(CultureInfo.InvariantCulture, $"kilobytesPerSecond: the bandwidth must be {MinKilobytesPerSecond} to {MaxKilobytesPerSecond} KB/s, was {kilobytesPerSecond} KB/s."));
        }

        KilobytesPerSecond = kilobytesPerSecond;
    }

    public double KilobytesPerSecond { get; }

    private protected override FaultDirection DefaultDirection => FaultDirection.Downstream;

    private protected override string Describe() => $"bandwidth {KilobytesPerSecond.ToString("0.###", CultureInfo.InvariantCulture)}KB/s";

    internal override void Shape(ref ChunkPlan plan, FlowState flow, int length, long now, TimeProvider time)
    {
        var cost = (long)(length * time.TimestampFrequency / (KilobytesPerSecond * 1024));
        flow.BandwidthFree = Math.Max(flow.BandwidthFree, now) + cost;
        plan.Due = Math.Max(plan.Due, flow.BandwidthFree);
    }
}
