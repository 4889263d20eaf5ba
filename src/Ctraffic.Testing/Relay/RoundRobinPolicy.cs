using System.Net;

namespace Ctraffic.Testing.Relay;

/// <summary>Each target in turn: N connections over k targets give each N/k (±1).</summary>
internal sealed class RoundRobinPolicy : IBalancingPolicy
{
    private uint _next;

    public int Pick(IReadOnlyList<RelayTarget> candidates, IPEndPoint client)
        => (int)((Interlocked.Increment(ref _next) - 1) % (uint)candidates.Count);
}
