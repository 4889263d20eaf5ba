using System.Net;

namespace Ctraffic.Testing.Balancing.Internal;

/// <summary>Picks the backend of a new connection among those that take new connections.</summary>
internal interface IBalancingPolicy
{
    /// <summary>The index in <paramref name="candidates"/> to try first (the others are tried in order after it if it refuses).</summary>
    /// <param name="candidates">Backends that take new connections; never empty.</param>
    /// <param name="client">The client's address.</param>
    int Pick(IReadOnlyList<Backend> candidates, IPEndPoint client);

    static IBalancingPolicy For(BalancingPolicy policy) => policy switch
    {
        BalancingPolicy.RoundRobin => new RoundRobinPolicy(),
        BalancingPolicy.LeastConnections => new LeastConnectionsPolicy(),
        BalancingPolicy.SourceHash => new SourceHashPolicy(),
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "unknown balancing policy"),
    };
}
