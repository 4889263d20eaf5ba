using Ctraffic.Testing.Faults.Internal;

namespace Ctraffic.Testing.Faults.Internal;

/// <summary>
/// <see cref="Fault.Reset"/>: at the chunk, both sockets of the connection are closed with a zero
/// linger time, so the kernel sends RST to the client and to the server; data queued is lost, as
/// with a crash. TCP only.
/// </summary>
internal sealed record ResetFault : Fault
{
    private protected override FaultDirection DefaultDirection => FaultDirection.Both;

    private protected override string Describe() => "reset";

    internal override bool ActsOn(bool udp) => !udp;

    internal override void Shape(ref ChunkPlan plan, FlowState flow, int length, long now, TimeProvider time) => plan.Decide(Verdict.Reset);
}
