using Ctraffic.Testing.Faults.Internal;

namespace Ctraffic.Testing.Faults.Internal;

/// <summary>
/// <see cref="Fault.Slicer"/>: the chunk is written in pieces of at most the size, one send each
/// (the proxy's sockets have Nagle off, so each piece is its own segment), with the gap between.
/// TCP only.
/// </summary>
internal sealed record SlicerFault : Fault
{
    public SlicerFault(int size, TimeSpan gap)
    {
        if (size is < 1 or > MaxSliceSize)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"size: must be 1 to {MaxSliceSize} bytes, was {size}.");
        }

        Size = size;
        Gap = CheckDelay(gap, nameof(gap));
    }

    public int Size { get; }

    public TimeSpan Gap { get; }

    private protected override FaultDirection DefaultDirection => FaultDirection.Both;

    private protected override string Describe() => Gap == TimeSpan.Zero ? $"slicer {Size}B" : $"slicer {Size}B every {Duration(Gap)}";

    internal override bool ActsOn(bool udp) => !udp;

    internal override void Shape(ref ChunkPlan plan, FlowState flow, int length, long now, TimeProvider time)
    {
        plan.SliceSize = plan.SliceSize == 0 ? Size : Math.Min(plan.SliceSize, Size);
        plan.SliceGap = Math.Max(plan.SliceGap, Ticks(Gap, time));
    }
}
