namespace Ctraffic.Statistics;

/// <summary>
/// The statistics of one traffic run: the ctraffic summary, and (when kept) one record per
/// connection slot and the per-second samples. Immutable.
/// </summary>
public sealed record TrafficStatistics
{
    /// <summary>Wall-clock time (UTC) at which the run started.</summary>
    public DateTimeOffset Started { get; init; }

    /// <summary>The real elapsed time of the run.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The asked total rate in KB/s (1 KB = 1024 bytes).</summary>
    public double Rate { get; init; }

    /// <summary>The asked number of connections.</summary>
    public int Connections { get; init; }

    /// <summary>Packet size in bytes.</summary>
    public int PacketSize { get; init; }

    /// <summary>Connections that ended with an error.</summary>
    public long FailedConnections { get; init; }

    /// <summary>Packets written.</summary>
    public long Sent { get; init; }

    /// <summary>Echoes received.</summary>
    public long Received { get; init; }

    /// <summary>Packets not sent because the sender fell behind its pace.</summary>
    public long Dropped { get; init; }

    /// <summary>TCP retransmits summed over all connections.</summary>
    public long Retransmits { get; init; }

    /// <summary>Failed connect attempts.</summary>
    public long FailedConnects { get; init; }

    /// <summary>
    /// How late the sender woke for its packets, 99th percentile: the machine's own lag (CPU
    /// starvation), not the network's. Ours; not in the original.
    /// </summary>
    public TimeSpan PacingLagP99 { get; init; }

    /// <summary>The longest such lag. Ours; not in the original.</summary>
    public TimeSpan PacingLagMax { get; init; }

    /// <summary>
    /// Of <see cref="Dropped"/>, packets dropped because the sender itself woke a packet interval
    /// or more late — the machine could not keep up — rather than because an echo was late.
    /// Ours; not in the original.
    /// </summary>
    public long DroppedLocal { get; init; }

    /// <summary>One record per connection slot used (empty when not kept).</summary>
    public IReadOnlyList<ConnectionStats> ConnStats { get; init; } = [];

    /// <summary>Cumulative counters about once a second (empty when not kept).</summary>
    public IReadOnlyList<Sample> Samples { get; init; } = [];

    /// <summary>Why the run ended; <see langword="null"/> for live statistics and for statistics read from JSON.</summary>
    public TrafficEndReason? EndReason { get; init; }

    /// <summary>
    /// The requests by outcome of an HTTP, HTTP/2 or gRPC run; <see langword="null"/> for echo
    /// runs. Ours; the JSON adds its fields, the original's are kept.
    /// </summary>
    public HttpStatistics? Http { get; init; }

    /// <summary>Packets written but never echoed.</summary>
    public long LostInFlight => Math.Max(0, Sent - Received);
}
