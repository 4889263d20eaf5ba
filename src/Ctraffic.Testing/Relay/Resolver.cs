using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Ctraffic.Testing.Relay;

/// <summary>
/// Turns an <see cref="Upstream"/> into the endpoint to connect to without blocking a thread: an IP
/// literal at once, a host name with <see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/>,
/// the answer kept for <see cref="CacheTime"/> on the owner's clock (so a connection or a UDP
/// session does not wait for a lookup the one before it made), and dropped when a connect to it fails.
/// </summary>
internal sealed class Resolver(TimeProvider time)
{
    /// <summary>How long a looked-up address is used before it is looked up again.</summary>
    public static readonly TimeSpan CacheTime = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, (IPAddress Address, long Until)> _cache = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The endpoint of <paramref name="upstream"/>.</summary>
    /// <exception cref="SocketException">The host name is not known.</exception>
    public ValueTask<IPEndPoint> ResolveAsync(Upstream upstream, CancellationToken cancellationToken)
    {
        if (upstream.EndPoint is { } literal)
        {
            return ValueTask.FromResult(literal);
        }

        var host = upstream.HostName;
        return _cache.TryGetValue(host, out var cached) && time.GetTimestamp() < cached.Until
            ? ValueTask.FromResult(new IPEndPoint(cached.Address, upstream.Address.Port))
            : LookUpAsync(host, upstream.Address.Port, cancellationToken);
    }

    /// <summary>Forgets what <paramref name="upstream"/> resolved to (a connect to it failed: the next one looks it up again).</summary>
    public void Forget(Upstream upstream)
    {
        if (upstream.EndPoint is null)
        {
            _cache.TryRemove(upstream.HostName, out _);
        }
    }

    private async ValueTask<IPEndPoint> LookUpAsync(string host, int port, CancellationToken cancellationToken)
    {
        var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        var address = Array.Find(addresses, a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses[0];
        _cache[host] = (address, time.GetTimestamp() + (long)(CacheTime.TotalSeconds * time.TimestampFrequency));
        return new IPEndPoint(address, port);
    }
}
