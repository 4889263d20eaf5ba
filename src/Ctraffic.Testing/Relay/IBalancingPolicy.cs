using System.Globalization;
using System.Net;

namespace Ctraffic.Testing.Relay;

/// <summary>
/// Picks the target of a new connection or UDP session among those that take new ones: a
/// balancer's backends, or a fault proxy's upstream addresses (<see cref="UpstreamPicker"/>).
/// </summary>
internal interface IBalancingPolicy
{
    /// <summary>The index in <paramref name="candidates"/> to try first (the others are tried in order after it if it refuses).</summary>
    /// <param name="candidates">Targets that take new connections; never empty.</param>
    /// <param name="client">The client's address.</param>
    int Pick(IReadOnlyList<RelayTarget> candidates, IPEndPoint client);

    static IBalancingPolicy For(BalancingPolicy policy) => policy switch
    {
        BalancingPolicy.RoundRobin => new RoundRobinPolicy(),
        BalancingPolicy.LeastConnections => new LeastConnectionsPolicy(),
        BalancingPolicy.SourceHash => new SourceHashPolicy(),
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, Problem(policy)),
    };

    /// <summary>
    /// The one rule of a policy option (<see cref="LoadBalancerOptions.Policy"/>,
    /// <see cref="FaultProxyOptions.Policy"/>): what is wrong with <paramref name="policy"/>, or
    /// <see langword="null"/> for a defined value.
    /// </summary>
    static string? Problem(BalancingPolicy policy) => Enum.IsDefined(policy)
        ? null
        : string.Create(CultureInfo.InvariantCulture, $"must be {string.Join(", ", Enum.GetNames<BalancingPolicy>())}, was {(int)policy}");
}
