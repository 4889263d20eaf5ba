using System.Net;
using Ctraffic.Testing.Relay;

namespace Ctraffic.Testing;

/// <content>
/// Binding the front (TCP, and UDP on the same port with <see cref="LoadBalancerOptions.Udp"/>) and
/// the UDP side: a session per client source, to the backend the policy picks; the sessions go with
/// a kill or stop and come back with a start; those to a removed or drained backend are closed.
/// </content>
public sealed partial class LoadBalancer
{
    /// <summary>UDP client sources served at once, as a fault proxy's default.</summary>
    private const int MaxUdpSessions = 4096;

    /// <summary>A UDP session idle this long is closed, as a fault proxy's default.</summary>
    private static readonly TimeSpan UdpIdleTimeout = TimeSpan.FromSeconds(30);

    private readonly Lock _udpLock = new();
    private readonly Resolver _resolver;
    private UdpRelay? _udp;

    private IPEndPoint Listen(IPEndPoint requested)
    {
        var (tcp, udp) = Listener.BindTcpAndUdp(requested, _options.Udp);
        _front.TryAdopt(tcp);
        if (udp is not null)
        {
            _udp = NewUdp(udp);
        }

        return (IPEndPoint)tcp.LocalEndPoint!;
    }

    private void OpenUdp()
    {
        if (!_options.Udp)
        {
            return;
        }

        lock (_udpLock)
        {
            _udp ??= NewUdp(Listener.BindUdp(_endPoint));
        }
    }

    private void CloseUdp()
    {
        lock (_udpLock)
        {
            _udp?.Dispose();
            _udp = null;
        }
    }

    private UdpRelay NewUdp(System.Net.Sockets.Socket socket)
        => new(_relay, _faults.NextConnection, socket, ResolveUdpAsync, MaxUdpSessions, UdpIdleTimeout);

    /// <summary>Where a new UDP session of <paramref name="client"/> goes: the policy's pick among the backends that take new connections.</summary>
    private ValueTask<(IPEndPoint Server, RelayTarget Target)> ResolveUdpAsync(IPEndPoint client, CancellationToken cancellationToken)
        => _picker.ResolveAsync(TakingConnections(), client, _resolver, cancellationToken);
}
