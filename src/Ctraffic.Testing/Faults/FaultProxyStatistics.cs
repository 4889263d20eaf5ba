namespace Ctraffic.Testing;

/// <summary>
/// What a <see cref="FaultProxy"/> has carried, in bytes (TCP payload and UDP datagrams), and what
/// it holds now. Without faults that drop, <c>read = written</c> each way once the connections have
/// ended: a check that the proxy lost nothing it should have forwarded.
/// </summary>
/// <param name="UpstreamRead">Bytes read from clients.</param>
/// <param name="UpstreamWritten">Bytes written to the server.</param>
/// <param name="DownstreamRead">Bytes read from the server.</param>
/// <param name="DownstreamWritten">Bytes written to clients.</param>
/// <param name="Swallowed">Bytes dropped by a blackhole or a loss.</param>
/// <param name="Refused">Connections (and UDP sources) refused.</param>
/// <param name="Reset">Connections reset by a fault.</param>
/// <param name="Closed">Connections closed by a fault.</param>
/// <param name="Connections">TCP connections open now.</param>
/// <param name="UdpSessions">UDP sessions open now.</param>
public readonly record struct FaultProxyStatistics(
    long UpstreamRead,
    long UpstreamWritten,
    long DownstreamRead,
    long DownstreamWritten,
    long Swallowed,
    long Refused,
    long Reset,
    long Closed,
    int Connections,
    int UdpSessions);
