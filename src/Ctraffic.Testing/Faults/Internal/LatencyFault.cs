using Ctraffic.Testing.Faults.Internal;

namespace Ctraffic.Testing.Faults.Internal;

/// <summary>
/// <see cref="Fault.Latency"/>: each chunk is written <c>latency ± jitter</c> after it was read.
/// The delay is a due time on the chunk in the connection's delay queue, which the writer keeps
/// in order, so a chunk never overtakes the one before it (jitter makes it wait for it instead).
/// </summary>
internal sealed record LatencyFault : Fault
{
    public LatencyFault(TimeSpan latency, TimeSpan jitter)
    {
        Delay = CheckDelay(latency, nameof(latency));
        Jitter = CheckDelay(jitter, nameof(jitter));
    }

    public TimeSpan Delay { get; }

    public TimeSpan Jitter { get; }

    private protected override FaultDirection DefaultDirection => FaultDirection.Downstream;

    private protected override string Describe()
        => Jitter == TimeSpan.Zero ? $"latency {Duration(Delay)}" : $"latency {Duration(Delay)} ±{Duration(Jitter)}";

    internal override void Shape(ref ChunkPlan plan, FlowState flow, int length, long now, TimeProvider time)
    {
        var delay = Delay;
        if (Jitter > TimeSpan.Zero)
        {
            delay += Jitter * ((Random.Shared.NextDouble() * 2) - 1);
        }

        plan.Due += Math.Max(0, Ticks(delay, time));
    }
}
