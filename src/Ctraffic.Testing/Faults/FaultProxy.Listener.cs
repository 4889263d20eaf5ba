using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Ctraffic.Testing.Faults.Internal;
using Ctraffic.Testing.Relay;

namespace Ctraffic.Testing;

/// <content>Listening (the relay's front, TCP and UDP on one port) and carrying a connection to the upstream server.</content>
public sealed partial class FaultProxy
{
    /// <summary>Tries at binding TCP and UDP on one free port before giving up.</summary>
    private const int BindAttempts = 20;

    private readonly ConcurrentDictionary<long, TcpRelay> _links = new();
    private readonly CancellationTokenSource _disposing = new();
    private readonly RelayFront _front;
    private UdpRelay? _udp;

    private string Listen(HostPort address)
    {
        var requested = new IPEndPoint(address.IPAddress!, address.Port);
        for (var attempt = 1; ; attempt++)
        {
            var tcp = Listener.BindTcp(requested);
            var endPoint = (IPEndPoint)tcp.LocalEndPoint!;
            Socket? udp = null;
            if (_options.Udp)
            {
                udp = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                try
                {
                    udp.Bind(endPoint);
                }
                catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse && requested.Port == 0 && attempt < BindAttempts)
                {
                    // The free TCP port is taken for UDP: take another one.
                    udp.Dispose();
                    tcp.Dispose();
                    continue;
                }
                catch
                {
                    udp.Dispose();
                    tcp.Dispose();
                    throw;
                }
            }

            _front.TryAdopt(tcp);
            if (udp is not null)
            {
                _udp = new UdpRelay(_relay, _faults.NextConnection, udp, ResolveUdpAsync, _options.MaxUdpSessions, _options.UdpIdleTimeout);
            }

            return HostPort.Format(endPoint);
        }
    }

    /// <summary>The upstream address a new UDP session of <paramref name="client"/> sends to: the policy's pick of the server's addresses, resolved without blocking.</summary>
    private ValueTask<IPEndPoint> ResolveUdpAsync(IPEndPoint client, CancellationToken cancellationToken)
        => _resolver.ResolveAsync(_picker.PickAddress(_targets.Now, client), cancellationToken);

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
