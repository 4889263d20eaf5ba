using System.Collections.Immutable;
using System.Net.Sockets;

namespace Ctraffic.Testing.Relay;

/// <summary>
/// Connects a relay to one of a server's addresses: the first in turn, then the next when a connect
/// is refused, fails or takes longer than the timeout on the owner's clock — so a server listed as
/// <c>a:1,b:2</c> is reached at <c>b</c> while <c>a</c> is down.
/// </summary>
internal sealed class Connector(Resolver resolver, TimeSpan timeout, TimeProvider time)
{
    /// <summary>A socket connected to one of <paramref name="upstreams"/>, trying them from <paramref name="first"/> on; <see langword="null"/> if none took it.</summary>
    /// <param name="upstreams">A server's addresses; may be empty.</param>
    /// <param name="first">The index to try first (taken modulo the count).</param>
    /// <param name="cancellationToken">Gives up (the owner closes).</param>
    public async Task<Socket?> ConnectAsync(ImmutableArray<Upstream> upstreams, int first, CancellationToken cancellationToken)
    {
        for (var i = 0; i < upstreams.Length && !cancellationToken.IsCancellationRequested; i++)
        {
            var upstream = upstreams[(int)((uint)(first + i) % (uint)upstreams.Length)];
            Socket? socket = null;
            using var timeoutSource = new CancellationTokenSource(timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutSource.Token, cancellationToken);
            try
            {
                var endPoint = await resolver.ResolveAsync(upstream, linked.Token).ConfigureAwait(false);
                socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(endPoint, linked.Token).ConfigureAwait(false);
                return socket;
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Refused, unknown or too slow: the next address.
                socket?.Dispose();
                resolver.Forget(upstream);
            }
        }

        return null;
    }
}
