using Ctraffic.Testing.Faults.Internal;

namespace Ctraffic.Testing.Faults.Internal;

/// <summary>
/// <see cref="Fault.Close"/>: at the chunk, both sockets of the connection are shut down for
/// sending (FIN each way) and closed; the chunk and what is queued behind it are not forwarded.
/// The client reads end of stream. TCP only.
/// </summary>
internal sealed record CloseFault : Fault
{
    private protected override FaultDirection DefaultDirection => FaultDirection.Both;

    private protected override string Describe() => "close";

    internal override bool ActsOn(bool udp) => !udp;

    internal override void Shape(ref ChunkPlan plan, FlowState flow, int length, long now, TimeProvider time) => plan.Decide(Verdict.Close);
}
