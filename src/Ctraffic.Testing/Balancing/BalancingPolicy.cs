namespace Ctraffic.Testing;

/// <summary>How a <see cref="LoadBalancer"/> picks the backend of a new connection, and a <see cref="FaultProxy"/> one of its upstream server's addresses.</summary>
public enum BalancingPolicy
{
    /// <summary>Each backend in turn (Kubernetes' iptables/IPVS <c>rr</c>, HAProxy <c>roundrobin</c>).</summary>
    RoundRobin,

    /// <summary>The backend with the fewest open connections, the first of them in turn on a tie (IPVS <c>lc</c>, HAProxy <c>leastconn</c>).</summary>
    LeastConnections,

    /// <summary>The same backend for the same client IP address while the set of backends stays the same (IPVS <c>sh</c>, HAProxy <c>source</c>).</summary>
    SourceHash,
}
