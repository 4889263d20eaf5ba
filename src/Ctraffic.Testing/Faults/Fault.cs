using System.Globalization;
using Ctraffic.Testing.Faults.Internal;

namespace Ctraffic.Testing;

/// <summary>
/// A network problem a <see cref="FaultProxy"/> makes: latency, a bandwidth limit, a blackhole, a
/// reset, a close, refused connections, sliced writes, UDP loss. A fault is an immutable
/// description; <see cref="FaultProxy.Add"/> switches it on and the handle it returns switches it
/// off. Each acts in a <see cref="Direction"/>, on a <see cref="ConnectionFraction"/> of the
/// connections (drawn once per connection) and a <see cref="PacketFraction"/> of the chunks (each
/// TCP write the proxy reads, each UDP datagram, drawn one by one).
/// <code>
/// var fault = proxy.Add(Fault.Latency(TimeSpan.FromMilliseconds(100)).OnConnections(0.5));
/// fault.Dispose();
/// </code>
/// </summary>
public abstract record Fault
{
    /// <summary>The longest latency, jitter or slicer gap: one hour (a longer wait would hold a connection's bytes past any test).</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromHours(1);

    /// <summary>The smallest bandwidth, in KB/s: 0.01 (about 10 bytes a second).</summary>
    public const double MinKilobytesPerSecond = 0.01;

    /// <summary>The largest bandwidth, in KB/s: 10 000 000 (about 10 GB a second).</summary>
    public const double MaxKilobytesPerSecond = 10_000_000;

    /// <summary>The largest slice, in bytes: 1 MiB (<see cref="FaultProxyOptions.MaxBufferSize"/>, the largest chunk).</summary>
    public const int MaxSliceSize = FaultProxyOptions.MaxBufferSize;

    private readonly double _connectionFraction = 1;
    private readonly double _packetFraction = 1;
    private readonly FaultDirection _direction = FaultDirection.Both;

    /// <summary>The bytes it acts on: <see cref="FaultDirection.Upstream"/>, <see cref="FaultDirection.Downstream"/> or <see cref="FaultDirection.Both"/>. The default value is the fault's own (see each factory).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not one of the three.</exception>
    public FaultDirection Direction
    {
        get => _direction;
        init => _direction = value is FaultDirection.Upstream or FaultDirection.Downstream or FaultDirection.Both
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Direction), value, $"{nameof(Direction)}: {value} is not a {nameof(FaultDirection)} (Upstream, Downstream or Both).");
    }

    /// <summary>
    /// The fraction of connections (UDP: client sources) it acts on, drawn once per connection and
    /// fault, in (0, 1]. The default value is 1: every connection.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in (0, 1].</exception>
    public double ConnectionFraction
    {
        get => _connectionFraction;
        init => _connectionFraction = CheckFraction(value, nameof(ConnectionFraction));
    }

    /// <summary>
    /// The fraction of chunks it acts on — TCP writes as the proxy reads them, UDP datagrams —
    /// each drawn alone, in (0, 1]. The default value is 1: every chunk.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in (0, 1].</exception>
    public double PacketFraction
    {
        get => _packetFraction;
        init => _packetFraction = CheckFraction(value, nameof(PacketFraction));
    }

    /// <summary>The name of its window on the traffic, e.g. <c>latency 100ms</c> or <c>blackhole upstream (50% of connections)</c>.</summary>
    public string Name
    {
        get
        {
            var name = Describe();
            if (Direction != DefaultDirection)
            {
                name += Direction == FaultDirection.Both ? " both ways" : " " + Direction.ToString().ToLowerInvariant();
            }

            if (ConnectionFraction < 1)
            {
                name += $" ({Percent(ConnectionFraction)} of connections)";
            }

            if (PacketFraction < 1)
            {
                name += $" ({Percent(PacketFraction)} of packets)";
            }

            return name;
        }
    }

    /// <summary>The direction its factory gives it.</summary>
    private protected abstract FaultDirection DefaultDirection { get; }

    /// <summary>
    /// Adds <paramref name="latency"/> to every chunk in its direction, ± a uniform
    /// <paramref name="jitter"/>. The chunks of a connection keep their order (a late one holds up
    /// those behind it), and the proxy goes on reading meanwhile, so the throughput stays.
    /// </summary>
    /// <param name="latency">The delay; 0 to <see cref="MaxDelay"/>.</param>
    /// <param name="jitter">The spread either side; 0 to <see cref="MaxDelay"/>. The default is none.</param>
    /// <param name="direction">The default is <see cref="FaultDirection.Downstream"/>: the round trip grows by <paramref name="latency"/>.</param>
    /// <returns>The fault, named <c>latency 100ms</c> or <c>latency 100ms ±10ms</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of its range.</exception>
    public static Fault Latency(TimeSpan latency, TimeSpan jitter = default, FaultDirection direction = FaultDirection.Downstream)
        => new LatencyFault(latency, jitter) { Direction = direction };

    /// <summary>
    /// Limits each connection's throughput in its direction to <paramref name="kilobytesPerSecond"/>
    /// (1 KB = 1024 bytes): a chunk is written once the link would have carried it.
    /// </summary>
    /// <param name="kilobytesPerSecond">The rate; <see cref="MinKilobytesPerSecond"/> to <see cref="MaxKilobytesPerSecond"/>.</param>
    /// <param name="direction">The default is <see cref="FaultDirection.Downstream"/>.</param>
    /// <returns>The fault, named <c>bandwidth 10KB/s</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of its range.</exception>
    public static Fault Bandwidth(double kilobytesPerSecond, FaultDirection direction = FaultDirection.Downstream)
        => new BandwidthFault(kilobytesPerSecond) { Direction = direction };

    /// <summary>
    /// Swallows every chunk in its direction and keeps the connection open: the peer sees nothing,
    /// neither data nor a close, as when a route is lost.
    /// </summary>
    /// <param name="direction">The default is <see cref="FaultDirection.Both"/>.</param>
    /// <returns>The fault, named <c>blackhole</c>.</returns>
    public static Fault Blackhole(FaultDirection direction = FaultDirection.Both)
        => new BlackholeFault { Direction = direction };

    /// <summary>
    /// Resets the connection (RST to the client and to the server) at its next chunk in its
    /// direction, as a crashed peer or a firewall does. TCP only.
    /// </summary>
    /// <param name="direction">The default is <see cref="FaultDirection.Both"/>.</param>
    /// <returns>The fault, named <c>reset</c>.</returns>
    public static Fault Reset(FaultDirection direction = FaultDirection.Both)
        => new ResetFault { Direction = direction };

    /// <summary>
    /// Closes the connection (FIN to the client and to the server) at its next chunk in its
    /// direction, as a graceful shutdown does; the chunk is not forwarded. TCP only.
    /// </summary>
    /// <param name="direction">The default is <see cref="FaultDirection.Both"/>.</param>
    /// <returns>The fault, named <c>close</c>.</returns>
    public static Fault Close(FaultDirection direction = FaultDirection.Both)
        => new CloseFault { Direction = direction };

    /// <summary>
    /// Refuses new connections; those already open go on. On every connection the proxy stops
    /// listening, so a connect gets RST to its SYN (<c>connection refused</c>); on a fraction of
    /// them, the chosen ones are accepted and reset at once. UDP: datagrams from a new source are dropped.
    /// </summary>
    /// <returns>The fault, named <c>refuse</c>.</returns>
    public static Fault Refuse() => new RefuseFault { Direction = FaultDirection.Both };

    /// <summary>
    /// Writes every chunk in its direction in pieces of at most <paramref name="size"/> bytes, each
    /// its own TCP segment, with <paramref name="gap"/> between them: the peer reads partial
    /// packets. Nothing is lost. TCP only.
    /// </summary>
    /// <param name="size">Bytes per piece; 1 to <see cref="MaxSliceSize"/>.</param>
    /// <param name="gap">Wait between two pieces; 0 to <see cref="MaxDelay"/>. The default is none.</param>
    /// <param name="direction">The default is <see cref="FaultDirection.Both"/>.</param>
    /// <returns>The fault, named <c>slicer 16B</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of its range.</exception>
    public static Fault Slicer(int size, TimeSpan gap = default, FaultDirection direction = FaultDirection.Both)
        => new SlicerFault(size, gap) { Direction = direction };

    /// <summary>
    /// Drops each UDP datagram in its direction with probability <paramref name="fraction"/>,
    /// each drawn alone: packet loss. TCP connections are not touched (TCP loses no bytes; a lost
    /// TCP segment is retransmitted by the kernel — use the kernel faults for that).
    /// </summary>
    /// <param name="fraction">Probability of loss, in (0, 1].</param>
    /// <param name="direction">The default is <see cref="FaultDirection.Both"/>.</param>
    /// <returns>The fault, named <c>loss 10%</c>.</returns>
    public static Fault Loss(double fraction, FaultDirection direction = FaultDirection.Both)
        => new LossFault(fraction) { Direction = direction };

    /// <summary>The same fault acting on <paramref name="fraction"/> of the connections, drawn once per connection.</summary>
    /// <param name="fraction">In (0, 1].</param>
    /// <returns>A new fault.</returns>
    public Fault OnConnections(double fraction) => this with { ConnectionFraction = fraction };

    /// <summary>The same fault acting on <paramref name="fraction"/> of the chunks (TCP writes, UDP datagrams), each drawn alone.</summary>
    /// <param name="fraction">In (0, 1].</param>
    /// <returns>A new fault.</returns>
    public Fault OnPackets(double fraction) => this with { PacketFraction = fraction };

    /// <summary>The same fault acting in <paramref name="direction"/>.</summary>
    /// <param name="direction">The bytes it acts on.</param>
    /// <returns>A new fault.</returns>
    public Fault In(FaultDirection direction) => this with { Direction = direction };

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>The fault's own words: <c>latency 100ms</c>.</summary>
    private protected abstract string Describe();

    /// <summary>Whether it acts on UDP sessions (<see langword="true"/>) or TCP connections.</summary>
    internal virtual bool ActsOn(bool udp) => true;

    /// <summary>Whether it refuses new connections.</summary>
    internal virtual bool Refuses => false;

    /// <summary>Decides, with the faults before it, what becomes of a chunk of <paramref name="length"/> bytes read at <paramref name="now"/>.</summary>
    internal abstract void Shape(ref ChunkPlan plan, FlowState flow, int length, long now, TimeProvider time);

    internal static string Duration(TimeSpan t) => t.Ticks % TimeSpan.TicksPerSecond == 0 && t >= TimeSpan.FromSeconds(1)
        ? t.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + "s"
        : t.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + "ms";

    internal static string Percent(double fraction) => (fraction * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    internal static long Ticks(TimeSpan t, TimeProvider time) => (long)(t.TotalSeconds * time.TimestampFrequency);

    /// <summary>Throws unless <paramref name="value"/> is 0 to <see cref="MaxDelay"/>.</summary>
    internal static TimeSpan CheckDelay(TimeSpan value, string name)
        => value >= TimeSpan.Zero && value <= MaxDelay
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name}: must be 0 to {MaxDelay}, was {value}.");

    private static double CheckFraction(double value, string name)
        => value is > 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be in (0, 1], was {value.ToString(CultureInfo.InvariantCulture)}.");
}
