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

    /// <summary>The address a new UDP session of <paramref name="client"/> sends to: the policy's pick, at its next address.</summary>
    /// <param name="candidates">The targets; never empty.</param>
    /// <param name="client">The client's source.</param>
    public Upstream PickAddress(IReadOnlyList<RelayTarget> candidates, IPEndPoint client)
    {
        var target = candidates[_policy.Pick(candidates, client)];
        var addresses = target.Addresses;
        return addresses[(int)((uint)target.NextAddress() % (uint)addresses.Length)];
    }
}
