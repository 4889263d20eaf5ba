using System.Collections.Immutable;
using Ctraffic.Testing.Relay;

namespace Ctraffic.Testing.Balancing.Internal;

/// <summary>A server in a balancer's pool: a relay target at the server's addresses, which the balancer may own.</summary>
internal sealed class Backend(CtrafficServer server, bool owned) : RelayTarget
{
    public CtrafficServer Server { get; } = server;

    /// <summary>Whether the balancer disposes the server with itself (it started it, e.g. in a rolling upgrade).</summary>
    public bool Owned { get; } = owned;

    /// <inheritdoc/>
    public override ImmutableArray<Upstream> Addresses => Server.AddressList;
}
