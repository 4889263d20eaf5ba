using Ctraffic.Testing.Faults.Internal;

namespace Ctraffic.Testing.Faults.Internal;

/// <summary>
/// <see cref="Fault.Refuse"/>: acts on new connections only, where the proxy accepts them (see
/// <see cref="FaultProxy"/>): with every connection, the listening socket is closed while it is
/// on, so the kernel answers a SYN with RST; with a fraction, the chosen connection is reset as
/// soon as it is accepted. Chunks of open connections pass.
/// </summary>
internal sealed record RefuseFault : Fault
{
    private protected override FaultDirection DefaultDirection => FaultDirection.Both;

    private protected override string Describe() => "refuse";

    internal override bool Refuses => true;

    internal override void Shape(ref ChunkPlan plan, FlowState flow, int length, long now, TimeProvider time)
    {
    }
}
