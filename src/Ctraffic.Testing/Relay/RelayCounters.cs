namespace Ctraffic.Testing.Relay;

/// <summary>A relay's byte counts, added to with <see cref="Interlocked"/> by every connection.</summary>
internal sealed class RelayCounters
{
    public long UpstreamRead;
    public long UpstreamWritten;
    public long DownstreamRead;
    public long DownstreamWritten;
    public long Swallowed;
    public long Refused;
    public long Reset;
    public long Closed;

    /// <summary>Bytes of pool buffers held by chunks waiting in delay lines now (what a peer that does not read pins).</summary>
    public long Queued;

    public FaultProxyStatistics Snapshot(int connections, int udpSessions) => new(
        Interlocked.Read(ref UpstreamRead),
        Interlocked.Read(ref UpstreamWritten),
        Interlocked.Read(ref DownstreamRead),
        Interlocked.Read(ref DownstreamWritten),
        Interlocked.Read(ref Swallowed),
        Interlocked.Read(ref Refused),
        Interlocked.Read(ref Reset),
        Interlocked.Read(ref Closed),
        connections,
        udpSessions);
}
