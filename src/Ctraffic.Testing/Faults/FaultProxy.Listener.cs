using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Ctraffic.Testing.Faults.Internal;
using Ctraffic.Testing.Relay;

namespace Ctraffic.Testing;

/// <content>Listening (the relay's front, TCP and UDP on one port) and carrying a connection to the upstream server.</content>
public sealed partial class FaultProxy
{
    private readonly ConcurrentDictionary<long, TcpRelay> _links = new();
    private readonly CancellationTokenSource _disposing = new();
    private readonly RelayFront _front;
    private UdpRelay? _udp;

    private string Listen(HostPort address)
    {
        var (tcp, udp) = Listener.BindTcpAndUdp(new IPEndPoint(address.IPAddress!, address.Port), _options.Udp);
        var endPoint = (IPEndPoint)tcp.LocalEndPoint!;
        _front.TryAdopt(tcp);
        if (udp is not null)
        {
            _udp = new UdpRelay(_relay, _faults.NextConnection, udp, ResolveUdpAsync, _options.MaxUdpSessions, _options.UdpIdleTimeout);
        }

        return HostPort.Format(endPoint);
    }

    /// <summary>The upstream address a new UDP session of <paramref name="client"/> sends to: the policy's pick of the server's addresses, resolved without blocking.</summary>
    private ValueTask<(IPEndPoint Server, RelayTarget Target)> ResolveUdpAsync(IPEndPoint client, CancellationToken cancellationToken)
        => _picker.ResolveAsync(_targets.Now, client, _resolver, cancellationToken);

    private async Task CarryAsync(Socket client)
    {
        if (_faults.Refuses(client, Counters, out var id))
        {
            return;
        }

        if (Volatile.Read(ref _disposed) != 0)
        {
            SocketClose.Reset(client);
            return;
        }

        (Socket Socket, RelayTarget Target)? connected;
        try
        {
            client.NoDelay = true;
            connected = await _picker.ConnectAsync(_targets.Now, (IPEndPoint)client.RemoteEndPoint!, _disposing.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ArgumentException or ObjectDisposedException)
        {
            connected = null;
        }

        if (connected is not var (server, target))
        {
            // The server refuses or is away: the client sees a reset, as it would behind a NAT.
            SocketClose.Reset(client);
            return;
        }

        var link = new TcpRelay(client, server, _relay, id);
        _links[id] = link;
        target.Opened(link); // what least connections counts
        try
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                link.Abort(reset: true);
            }

            await link.RunAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A connection's failure must not end the proxy: the link is reset and the rest go on.
        catch (Exception)
#pragma warning restore CA1031
        {
            link.Abort(reset: true);
        }
        finally
        {
            target.Ended(link);
            _links.TryRemove(id, out _);
        }
    }
}
