using System.Net;

namespace Ctraffic.Testing.Balancing.Internal;

/// <summary>Each backend in turn: N connections over k backends give each N/k (±1).</summary>
internal sealed class RoundRobinPolicy : IBalancingPolicy
{
    private uint _next;

    public int Pick(IReadOnlyList<Backend> candidates, IPEndPoint client)
        => (int)((Interlocked.Increment(ref _next) - 1) % (uint)candidates.Count);
}
