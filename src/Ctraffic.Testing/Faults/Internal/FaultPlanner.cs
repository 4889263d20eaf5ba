using System.Collections.Immutable;

namespace Ctraffic.Testing.Faults.Internal;

/// <summary>Runs a chunk past the faults on now (one snapshot, read once per chunk, so a switch never half-applies).</summary>
internal static class FaultPlanner
{
    public static ChunkPlan Plan(ImmutableArray<ActiveFault> faults, FlowState flow, int length, long now, TimeProvider time)
    {
        var plan = new ChunkPlan { Due = now };
        foreach (var active in faults)
        {
            var fault = active.Fault;
            if ((fault.Direction & flow.Direction) == 0 || !fault.ActsOn(flow.Udp) || !active.Selects(flow.Connection))
            {
                continue;
            }

            if (fault.PacketFraction < 1 && Random.Shared.NextDouble() >= fault.PacketFraction)
            {
                continue;
            }

            active.Touch(flow.Connection, length);
            fault.Shape(ref plan, flow, length, now, time);
        }

        return plan;
    }

    /// <summary>Whether a new connection numbered <paramref name="connection"/> is to be refused.</summary>
    public static bool Refuses(ImmutableArray<ActiveFault> faults, long connection)
    {
        foreach (var active in faults)
        {
            if (active.Fault.Refuses && active.Selects(connection))
            {
                active.Touch(connection, 0);
                return true;
            }
        }

        return false;
    }
}
