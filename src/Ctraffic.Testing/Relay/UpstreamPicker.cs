using System.Net;
using System.Net.Sockets;

namespace Ctraffic.Testing.Relay;

/// <summary>
/// The one place where a relay picks where a new connection or UDP session goes: the owner's
/// <see cref="BalancingPolicy"/> picks a target among the candidates (a balancer's backends that
/// take connections, a fault proxy's upstream addresses), and a connect that the target refuses
/// goes on to the next in order, as HAProxy's <c>option redispatch</c> does; within a target, its
/// addresses are tried in turn (<see cref="Connector"/>).
/// </summary>
internal sealed class UpstreamPicker(BalancingPolicy policy, Connector connector)
{
    private readonly IBalancingPolicy _policy = IBalancingPolicy.For(policy);

    /// <summary>A socket connected to a target of <paramref name="candidates"/>, the policy's pick first; <see langword="null"/> if none took it.</summary>
    /// <param name="candidates">The targets that take new connections; may be empty.</param>
    /// <param name="client">The client's address (what source hash hashes).</param>
    /// <param name="cancellationToken">Gives up (the owner closes).</param>
    public async Task<(Socket Socket, T Target)?> ConnectAsync<T>(IReadOnlyList<T> candidates, IPEndPoint client, CancellationToken cancellationToken)
        where T : RelayTarget
    {
        if (candidates.Count == 0)
        {
            return null;
        }

        var first = _policy.Pick(candidates, client);
        for (var i = 0; i < candidates.Count && !cancellationToken.IsCancellationRequested; i++)
        {
            var target = candidates[(first + i) % candidates.Count];
            Socket? socket;
            try
            {
                socket = await connector.ConnectAsync(target.Addresses, target.NextAddress(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ArgumentException or ObjectDisposedException)
            {
                continue; // no usable address now, or disposed meanwhile
            }

            if (socket is not null && !target.Closed)
            {
                return (socket, target);
            }

            socket?.Dispose();
        }

        return null;
    }

    /// <summary>
    /// Where a new UDP session of <paramref name="client"/> sends: the policy's pick (UDP has no
    /// connect to refuse: a session whose server is gone is ended by its refusal and picked again),
    /// at its next address, resolved without blocking.
    /// </summary>
    /// <param name="candidates">The targets that take new sessions.</param>
    /// <param name="client">The client's source.</param>
    /// <param name="resolver">The relay's resolver.</param>
    /// <param name="cancellationToken">Gives up.</param>
    /// <exception cref="SocketException">No target takes new sessions, or the address cannot be resolved.</exception>
    public async ValueTask<(IPEndPoint Server, RelayTarget Target)> ResolveAsync(IReadOnlyList<RelayTarget> candidates, IPEndPoint client, Resolver resolver, CancellationToken cancellationToken)
    {
        if (candidates.Count == 0)
        {
            throw new SocketException((int)SocketError.HostUnreachable);
        }

        var target = candidates[_policy.Pick(candidates, client)];
        var addresses = target.Addresses;
        var address = addresses[(int)((uint)target.NextAddress() % (uint)addresses.Length)];
        return (await resolver.ResolveAsync(address, cancellationToken).ConfigureAwait(false), target);
    }
}
