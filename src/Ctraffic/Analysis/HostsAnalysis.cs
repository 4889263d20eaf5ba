using Ctraffic.Statistics;

namespace Ctraffic.Analysis;

/// <summary>
/// <c>-analyze hosts</c>: slots that ended with an error are lost; slots that connected and ended
/// without one are lasting; slots that never connected are neither. Both are counted per host name.
/// </summary>
internal static class HostsAnalysis
{
    public static HostsReport Run(AnalysisInput input)
    {
        var connections = input.Statistics.ConnStats;
        if (connections.Count == 0)
        {
            throw new AnalysisException(ConnectionsAnalysis.NoConnections);
        }

        return new HostsReport(
            PerHost(connections.Where(c => c.Failed)),
            PerHost(connections.Where(c => !c.Failed && c.Connected is not null)));
    }

    private static HostCount[] PerHost(IEnumerable<ConnectionStats> connections)
        => [.. connections
            .GroupBy(c => c.Host, StringComparer.Ordinal)
            .Select(g => new HostCount(g.Key, g.Count()))
            .OrderBy(h => h.Host, StringComparer.Ordinal)];
}
