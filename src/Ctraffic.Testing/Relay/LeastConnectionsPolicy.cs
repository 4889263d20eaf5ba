using System.Net;

namespace Ctraffic.Testing.Relay;

/// <summary>
/// The target with the fewest open connections; among equals, the first at or after a turning
/// start, so that equal targets share the connections as round-robin does.
/// </summary>
internal sealed class LeastConnectionsPolicy : IBalancingPolicy
{
    private uint _start;

    public int Pick(IReadOnlyList<RelayTarget> candidates, IPEndPoint client)
    {
        var count = candidates.Count;
        var start = (int)((Interlocked.Increment(ref _start) - 1) % (uint)count);
        var best = start;
        for (var i = 1; i < count; i++)
        {
            var at = (start + i) % count;
            if (candidates[at].Active < candidates[best].Active)
            {
                best = at;
            }
        }

        return best;
    }
}
