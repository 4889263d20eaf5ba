using System.Net;
using System.Net.Sockets;

namespace Ctraffic.Client.Connecting;

/// <summary>
/// The addresses of <see cref="TrafficOptions.Address"/> (one <c>host:port</c> or several,
/// comma-separated), taken in turn by the connects of all lanes (round-robin), and resolved when taken.
/// </summary>
internal sealed class TargetList(string address)
{
    private readonly HostPort[] _targets = TrafficOptions.ParseAddresses(address);
    private int _next = -1;

    /// <summary>The address for the next connect.</summary>
    public HostPort Next() => _targets.Length == 1 ? _targets[0] : _targets[(int)((uint)Interlocked.Increment(ref _next) % (uint)_targets.Length)];

    /// <summary>The endpoint of <paramref name="target"/>: its IP address, or the first address its name resolves to (an empty host is <c>localhost</c>).</summary>
    /// <exception cref="SocketException">The name does not resolve.</exception>
    public static async ValueTask<IPEndPoint> ResolveAsync(HostPort target, CancellationToken cancellationToken)
    {
        if (target.IPAddress is { } ip)
        {
            return new IPEndPoint(ip, target.Port);
        }

        var host = target.Host.Length == 0 ? "localhost" : target.Host;
        var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        return new IPEndPoint(addresses[0], target.Port);
    }
}
