using System.Collections.Immutable;

namespace Ctraffic.Testing.Relay;

/// <summary>
/// A server's addresses as the targets of a policy, one target each, so that a relay in front of
/// one server (the fault proxy) balances over its addresses as a balancer does over its backends.
/// Made again only when the server's address list is parsed again (its address changed); a
/// connection keeps the target it was counted on.
/// </summary>
internal sealed class AddressTargets(CtrafficServer server)
{
    private Made? _made;

    /// <summary>One target per address of the server, in its order.</summary>
    /// <exception cref="ArgumentException">The server's address is not a list of <c>host:port</c>.</exception>
    public ImmutableArray<RelayTarget> Now
    {
        get
        {
            var list = server.AddressList;
            var made = Volatile.Read(ref _made);
            if (made is null || made.List != list)
            {
                made = new Made(list, [.. list.Select(a => (RelayTarget)new Single(a))]);
                Volatile.Write(ref _made, made);
            }

            return made.Targets;
        }
    }

    private sealed record Made(ImmutableArray<Upstream> List, ImmutableArray<RelayTarget> Targets);

    private sealed class Single(Upstream address) : RelayTarget
    {
        public override ImmutableArray<Upstream> Addresses { get; } = [address];
    }
}
