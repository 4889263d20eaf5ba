using System.Globalization;
using System.Net;
using Ctraffic.Testing.Relay;

namespace Ctraffic.Testing;

/// <summary>How a <see cref="FaultProxy"/> listens and what it may hold.</summary>
public sealed class FaultProxyOptions
{
    /// <summary>The largest <see cref="MaxUdpSessions"/>.</summary>
    public const int MaxUdpSessionsLimit = 65_536;

    /// <summary>The smallest <see cref="BufferSize"/>.</summary>
    public const int MinBufferSize = 1024;

    /// <summary>The largest <see cref="BufferSize"/>: 1 MiB.</summary>
    public const int MaxBufferSize = 1 << 20;

    /// <summary>The largest <see cref="QueueCapacity"/>.</summary>
    public const int MaxQueueCapacity = 65_536;

    /// <summary>The default <see cref="QueueBytes"/>: 256 KiB.</summary>
    public const int DefaultQueueBytes = 256 * 1024;

    /// <summary>The largest <see cref="QueueBytes"/>: 64 MiB.</summary>
    public const int MaxQueueBytes = 64 << 20;

    /// <summary>The longest <see cref="UdpIdleTimeout"/>: one day.</summary>
    public static readonly TimeSpan MaxUdpIdleTimeout = TimeSpan.FromDays(1);

    /// <summary>The longest <see cref="ConnectTimeout"/>: five minutes.</summary>
    public static readonly TimeSpan MaxConnectTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Where the proxy listens, TCP and (with <see cref="Udp"/>) UDP on the same port: a loopback
    /// address, port 0 for a free one. The default value is <c>127.0.0.1:0</c>.
    /// </summary>
    public string Address { get; set; } = "127.0.0.1:0";

    /// <summary>Names the proxy; <see langword="null"/> for <c>proxy NAME</c> after the upstream server. The default value is <see langword="null"/>.</summary>
    public string? Name { get; set; }

    /// <summary>Relay UDP as well as TCP. The default value is <see langword="true"/>.</summary>
    public bool Udp { get; set; } = true;

    /// <summary>UDP client sources served at once; datagrams of further sources are dropped. The default value is 4096.</summary>
    public int MaxUdpSessions { get; set; } = 4096;

    /// <summary>A UDP session with no datagram either way for this long is closed; more than 0, at most <see cref="MaxUdpIdleTimeout"/>. The default value is 30 seconds.</summary>
    public TimeSpan UdpIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Bytes read at most at once from a TCP socket (one chunk); <see cref="MinBufferSize"/> to <see cref="MaxBufferSize"/>. The default value is 16384.</summary>
    public int BufferSize { get; set; } = 16 * 1024;

    /// <summary>Chunks waiting per direction of a connection before the proxy stops reading (TCP) or drops (UDP); 1 to <see cref="MaxQueueCapacity"/>. The default value is 256.</summary>
    public int QueueCapacity { get; set; } = 256;

    /// <summary>
    /// Bytes waiting at most per direction of a connection or UDP session (counted as the pool
    /// buffers they hold) while faults delay them, before the proxy stops reading (TCP) or drops
    /// (UDP): what a peer that does not read can pin. A chunk larger than this still passes alone.
    /// <see cref="MinBufferSize"/> to <see cref="MaxQueueBytes"/>. The default value is
    /// <see cref="DefaultQueueBytes"/> (256 KiB).
    /// </summary>
    public int QueueBytes { get; set; } = DefaultQueueBytes;

    /// <summary>
    /// How a new connection (or UDP client source) picks among the upstream server's addresses
    /// when it has several (<c>CtrafficServer.External("127.0.0.1:5003,127.0.0.1:5004")</c>): in turn,
    /// the one with the fewest open connections through the proxy, or by a hash of the client's
    /// address, as a <see cref="LoadBalancer"/> picks among its backends; an address that refuses is
    /// passed over for the next. The default value is <see cref="BalancingPolicy.RoundRobin"/>.
    /// </summary>
    public BalancingPolicy Policy { get; set; } = BalancingPolicy.RoundRobin;

    /// <summary>How long a connect to the upstream server may take before the next of its addresses is tried, or the client's connection is reset; more than 0, at most <see cref="MaxConnectTimeout"/>. The default value is 2 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The clock for latency, bandwidth, UDP idle times, connect timeouts and the accept loop's back-off. The default value is <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message and parameter name name it.</exception>
    public void Validate()
    {
        if (!HostPort.TryParse(Address, out var address, out var error))
        {
            throw new ArgumentException($"{nameof(Address)}: {error}", nameof(Address));
        }

        if (address.IPAddress is not { } ip || !IPAddress.IsLoopback(ip))
        {
            throw new ArgumentException($"{nameof(Address)} must be a loopback address such as 127.0.0.1:0, was {Address}", nameof(Address));
        }

        if (Name is not null && string.IsNullOrWhiteSpace(Name))
        {
            throw new ArgumentException($"{nameof(Name)} must not be blank", nameof(Name));
        }

        var policy = IBalancingPolicy.Problem(Policy);
        Check(policy is null, nameof(Policy), policy!);
        Check(MaxUdpSessions is >= 1 and <= MaxUdpSessionsLimit, nameof(MaxUdpSessions), $"must be 1 to {MaxUdpSessionsLimit}, was {MaxUdpSessions}");
        Check(UdpIdleTimeout > TimeSpan.Zero && UdpIdleTimeout <= MaxUdpIdleTimeout, nameof(UdpIdleTimeout), $"must be more than 0 and at most {MaxUdpIdleTimeout}, was {UdpIdleTimeout}");
        Check(BufferSize is >= MinBufferSize and <= MaxBufferSize, nameof(BufferSize), $"must be {MinBufferSize} to {MaxBufferSize}, was {BufferSize}");
        Check(QueueCapacity is >= 1 and <= MaxQueueCapacity, nameof(QueueCapacity), $"must be 1 to {MaxQueueCapacity}, was {QueueCapacity}");
        Check(QueueBytes is >= MinBufferSize and <= MaxQueueBytes, nameof(QueueBytes), $"must be {MinBufferSize} to {MaxQueueBytes}, was {QueueBytes}");
        Check(ConnectTimeout > TimeSpan.Zero && ConnectTimeout <= MaxConnectTimeout, nameof(ConnectTimeout), $"must be more than 0 and at most {MaxConnectTimeout}, was {ConnectTimeout}");
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
    }

    internal FaultProxyOptions Clone() => (FaultProxyOptions)MemberwiseClone();

    private static void Check(bool ok, string name, string message)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, string.Create(CultureInfo.InvariantCulture, $"{name} {message}."));
        }
    }
}
