using System.Collections.Immutable;

namespace Ctraffic.Testing.Relay;

/// <summary>
/// What every connection and UDP session of one relay shares: its clock, buffer and queue bounds,
/// counters, and the faults on now (with none on, the relay copies straight through, with no queue).
/// </summary>
internal sealed class RelaySettings
{
    /// <summary>The owner's clock: latency, bandwidth, idle times.</summary>
    public required TimeProvider Time { get; init; }

    /// <summary>The buffer a read rents from the shared pool.</summary>
    public required int BufferSize { get; init; }

    /// <summary>Chunks waiting at most per direction of a connection (UDP: datagrams, then dropped).</summary>
    public int QueueCapacity { get; init; } = 256;

    /// <summary>Bytes of pool buffers waiting at most per direction of a connection; a chunk larger than this still passes alone.</summary>
    public long QueueBytes { get; init; } = FaultProxyOptions.DefaultQueueBytes;

    /// <summary>The faults on now (<see cref="FaultSet.Now"/>), read once per chunk.</summary>
    public required Func<ImmutableArray<ActiveFault>> Faults { get; init; }

    /// <summary>What the relay has carried.</summary>
    public RelayCounters Counters { get; } = new();
}
