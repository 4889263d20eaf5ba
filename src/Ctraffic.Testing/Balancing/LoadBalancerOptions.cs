using System.Globalization;
using Ctraffic.Testing.Relay;

namespace Ctraffic.Testing;

/// <summary>Options of a <see cref="LoadBalancer"/>.</summary>
public sealed class LoadBalancerOptions
{
    /// <summary>The largest forwarding buffer a connection rents.</summary>
    public const int MaxBufferSize = 1 << 20;

    /// <summary>The longest <see cref="DrainGrace"/> (and grace of a drain): one day.</summary>
    public static readonly TimeSpan MaxDrainGrace = TimeSpan.FromDays(1);

    /// <summary>The longest <see cref="ConnectTimeout"/>: five minutes.</summary>
    public static readonly TimeSpan MaxConnectTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Names the balancer in its disruptions (<c>"kill balancer"</c>). The default value is <c>balancer</c>.</summary>
    public string Name { get; set; } = "balancer";

    /// <summary>
    /// The front address, <c>host:port</c> on loopback; port 0 takes a free one, kept across a
    /// kill and start. The default value is <c>127.0.0.1:0</c>.
    /// </summary>
    public string Address { get; set; } = "127.0.0.1:0";

    /// <summary>
    /// Balance UDP as well as TCP, on the same port: per client source a session to the backend the
    /// policy picks (4096 sources at most, each closed after 30 s without a datagram, or at once when
    /// its backend refuses, is removed or drained). The default value is <see langword="false"/>: TCP only.
    /// </summary>
    public bool Udp { get; set; }

    /// <summary>How a new connection's backend is picked. The default value is <see cref="BalancingPolicy.RoundRobin"/>.</summary>
    public BalancingPolicy Policy { get; set; } = BalancingPolicy.RoundRobin;

    /// <summary>
    /// How long a drained backend's connections may go on before the balancer resets them; 0 to
    /// <see cref="MaxDrainGrace"/>. The default value is 5 seconds.
    /// </summary>
    public TimeSpan DrainGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a connect to a backend may take before the next backend is tried; more than 0, up
    /// to <see cref="MaxConnectTimeout"/>. The default value is 2 seconds.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The buffer each direction of a connection rents from the shared pool while it copies; 1 to
    /// <see cref="MaxBufferSize"/> bytes. The default value is 16 384 bytes.
    /// </summary>
    public int BufferSize { get; set; } = 16 * 1024;

    /// <summary>
    /// The clock of the drain grace, the stop grace, connect timeouts and the accept loop's back-off.
    /// The default value is <see cref="TimeProvider.System"/>.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Throws if an option is invalid, naming the option.</summary>
    /// <exception cref="ArgumentException">An option is invalid (<see cref="ArgumentOutOfRangeException"/> for a value out of its range, which the message states).</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new ArgumentException($"{nameof(Name)}: must not be empty", nameof(Name));
        }

        if (!HostPort.TryParse(Address, out var address, out var error))
        {
            throw new ArgumentException($"{nameof(Address)}: {error}", nameof(Address));
        }

        if (address.IPAddress is not { } ip || !System.Net.IPAddress.IsLoopback(ip))
        {
            throw new ArgumentException($"{nameof(Address)}: '{Address}' is not a loopback address (127.0.0.0/8 or [::1])", nameof(Address));
        }

        if (IBalancingPolicy.Problem(Policy) is { } policy)
        {
            throw new ArgumentOutOfRangeException(nameof(Policy), Policy, $"{nameof(Policy)}: {policy}");
        }

        CheckDrainGrace(DrainGrace, nameof(DrainGrace));
        if (ConnectTimeout <= TimeSpan.Zero || ConnectTimeout > MaxConnectTimeout)
        {
            throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), ConnectTimeout, $"{nameof(ConnectTimeout)}: must be more than 0 and at most {MaxConnectTimeout}, was {ConnectTimeout}");
        }

        if (BufferSize is < 1 or > MaxBufferSize)
        {
            throw new ArgumentOutOfRangeException(nameof(BufferSize), BufferSize, $"{nameof(BufferSize)}: must be 1 to {MaxBufferSize}, was {BufferSize}");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
    }

    internal static void CheckDrainGrace(TimeSpan grace, string name)
    {
        if (grace < TimeSpan.Zero || grace > MaxDrainGrace)
        {
            throw new ArgumentOutOfRangeException(name, grace, string.Create(CultureInfo.InvariantCulture, $"{name}: must be 0 to {MaxDrainGrace}, was {grace}"));
        }
    }
}
