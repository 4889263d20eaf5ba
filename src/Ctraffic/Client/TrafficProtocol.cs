namespace Ctraffic.Client;

/// <summary>The transport of a traffic run.</summary>
public enum TrafficProtocol
{
    /// <summary>TCP connections (the default).</summary>
    Tcp,

    /// <summary>UDP datagrams: an unanswered datagram is a lost packet, not a failed connection.</summary>
    Udp,
}
