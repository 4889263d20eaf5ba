using Ctraffic.Client;

namespace Ctraffic.Testing.Containers;

/// <summary>Options of a client run by <see cref="CtrafficClientContainer"/>. Every property has a documented default.</summary>
public sealed class ClientContainerOptions
{
    /// <summary>The ctraffic image. The default value is <c>ctraffic:local</c> (built by <c>build/image.sh</c>).</summary>
    public string Image { get; set; } = "ctraffic:local";

    /// <summary>Number of connections (<c>-nconn</c>): 1 to <see cref="TrafficOptions.MaximumConnections"/>. The default value is 10.</summary>
    public int Connections { get; set; } = 10;

    /// <summary>
    /// Total rate in KB/s (<c>-rate</c>): positive, at most <see cref="TrafficOptions.MaximumRateKBps"/>, and at
    /// least one packet per connection every <see cref="TrafficOptions.MaximumPacketInterval"/>. The default value is 100.
    /// </summary>
    public double RateKBps { get; set; } = 100;

    /// <summary>Length of the run (<c>-timeout</c>): positive, at most <see cref="TrafficOptions.MaximumDuration"/>. The default value is 5 seconds.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Checks every option, by the rules of the client's own options (<see cref="TrafficOptionRules"/>).</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Image, nameof(Image));
        if (new TrafficOptions { Connections = Connections, RateKBps = RateKBps, Duration = Duration }.FindError() is { } error)
        {
            throw error.ToException();
        }
    }
}
