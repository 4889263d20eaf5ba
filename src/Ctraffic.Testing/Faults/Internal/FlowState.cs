namespace Ctraffic.Testing.Faults.Internal;

/// <summary>
/// What the faults keep about one direction of one connection (or UDP session): only the
/// bandwidth limit needs a memory, the time its link is free again.
/// </summary>
internal sealed class FlowState(long connection, bool udp, FaultDirection direction)
{
    /// <summary>Numbers the connection in the proxy; a fraction of connections is drawn from it.</summary>
    public long Connection { get; } = connection;

    /// <summary>Whether this is a UDP session (loss applies) or a TCP connection (reset, close, slicing apply).</summary>
    public bool Udp { get; } = udp;

    /// <summary>The direction of this flow.</summary>
    public FaultDirection Direction { get; } = direction;

    /// <summary>Timestamp at which the limited link has sent all it was given.</summary>
    public long BandwidthFree { get; set; }
}
