namespace Ctraffic.Reports;

/// <summary>What the connections served by one server host saw (the host name comes from the handshake).</summary>
/// <param name="Host">The host name the server sent.</param>
/// <param name="Connections">Connections served by the host.</param>
/// <param name="Lost">Of those, connections that ended with an error.</param>
/// <param name="Sent">Packets sent on those connections.</param>
/// <param name="Received">Echoes received on those connections.</param>
public sealed record HostStatistics(string Host, int Connections, int Lost, long Sent, long Received)
{
    /// <summary>Connections that did not end with an error.</summary>
    public int Lasting => Connections - Lost;
}
