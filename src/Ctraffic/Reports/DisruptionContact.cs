namespace Ctraffic.Reports;

/// <summary>
/// What crossed a disruption, as the thing that made it saw it: a fault proxy counts the
/// connections, chunks and bytes each of its faults acted on; a kernel fault (<c>NetworkFault</c>)
/// the TCP and UDP packets and bytes that crossed it (its nftables counters). It tells a fault that
/// hit nothing (the traffic went another way) from one that hit traffic that did not mind.
/// </summary>
/// <param name="Source">What made the disruption and counted, e.g. <c>proxy backend-1</c>.</param>
/// <param name="Connections">Connections (UDP: client sources) the disruption acted on; 0 where the source counts packets only (a kernel fault's nftables counters).</param>
/// <param name="Packets">Chunks it acted on: TCP reads as the source saw them (an echo packet, or a part of one), UDP datagrams; for a kernel fault, the TCP and UDP packets that crossed it.</param>
/// <param name="Bytes">Bytes of those chunks.</param>
public sealed record DisruptionContact(string Source, long Connections, long Packets, long Bytes)
{
    /// <summary>Whether anything crossed it.</summary>
    public bool Touched => Connections > 0 || Packets > 0;

    /// <inheritdoc/>
    public override string ToString()
        => !Touched ? $"no traffic crossed it on {Source}"
            : Connections == 0 ? $"{Packets} {(Packets == 1 ? "packet" : "packets")} ({Bytes} bytes) crossed it on {Source}"
            : $"{Packets} {(Packets == 1 ? "packet" : "packets")} ({Bytes} bytes) on {Connections} {(Connections == 1 ? "connection" : "connections")} crossed it on {Source}";
}
