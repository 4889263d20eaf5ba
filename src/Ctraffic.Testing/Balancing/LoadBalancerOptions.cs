namespace Ctraffic.Testing;

/// <summary>Options of a <see cref="LoadBalancer"/>.</summary>
public sealed class LoadBalancerOptions
{
    /// <summary>The largest forwarding buffer a connection rents.</summary>
    public const int MaxBufferSize = 1 << 20;

    /// <summary>Names the balancer in its disruptions (<c>"kill balancer"</c>). The default value is <c>balancer</c>.</summary>
    public string Name { get; set; } = "balancer";

    /// <summary>
    /// The front address, <c>host:port</c> on loopback; port 0 takes a free one, kept across a
    /// kill and start. The default value is <c>127.0.0.1:0</c>.
    /// </summary>
    public string Address { get; set; } = "127.0.0.1:0";

    /// <summary>How a new connection's backend is picked. The default value is <see cref="BalancingPolicy.RoundRobin"/>.</summary>
    public BalancingPolicy Policy { get; set; } = BalancingPolicy.RoundRobin;

    /// <summary>
    /// How long a drained backend's connections may go on before the balancer resets them.
    /// The default value is 5 seconds.
    /// </summary>
    public TimeSpan DrainGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a connect to a backend may take before the next backend is tried. The default value is 2 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The buffer each direction of a connection rents from the shared pool while it copies. The default value is 16 384 bytes.</summary>
    public int BufferSize { get; set; } = 16 * 1024;

    /// <summary>Throws if an option is invalid, naming the option.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
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

        if (!Enum.IsDefined(Policy))
        {
            throw new ArgumentException($"{nameof(Policy)}: {Policy} is not a balancing policy", nameof(Policy));
        }

        if (DrainGrace < TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(DrainGrace)}: must not be negative, was {DrainGrace}", nameof(DrainGrace));
        }

        if (ConnectTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(ConnectTimeout)}: must be positive, was {ConnectTimeout}", nameof(ConnectTimeout));
        }

        if (BufferSize is < 1 or > MaxBufferSize)
        {
            throw new ArgumentException($"{nameof(BufferSize)}: must be 1 to {MaxBufferSize}, was {BufferSize}", nameof(BufferSize));
        }
    }
}
