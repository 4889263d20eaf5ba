namespace Ctraffic.Analysis;

/// <summary>The result of <c>-analyze hosts</c>: lost and lasting connections per server host.</summary>
/// <param name="Lost">Connections that ended with an error, per host, sorted by host name (ordinal).</param>
/// <param name="Lasting">
/// Connections that connected and ended without an error, per host, sorted by host name (ordinal).
/// </param>
public sealed record HostsReport(IReadOnlyList<HostCount> Lost, IReadOnlyList<HostCount> Lasting)
{
    /// <summary>The number of lost connections over all hosts.</summary>
    public int LostTotal => Lost.Sum(h => h.Count);

    /// <summary>The number of lasting connections over all hosts.</summary>
    public int LastingTotal => Lasting.Sum(h => h.Count);
}
