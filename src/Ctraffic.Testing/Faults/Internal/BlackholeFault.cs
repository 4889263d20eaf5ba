using Ctraffic.Testing.Faults.Internal;

namespace Ctraffic.Testing.Faults.Internal;

/// <summary><see cref="Fault.Blackhole"/>: the chunk is read and thrown away; the connection stays open and says nothing.</summary>
internal sealed record BlackholeFault : Fault
{
    private protected override FaultDirection DefaultDirection => FaultDirection.Both;

    private protected override string Describe() => "blackhole";

    internal override void Shape(ref ChunkPlan plan, FlowState flow, int length, long now, TimeProvider time) => plan.Decide(Verdict.Drop);
}
