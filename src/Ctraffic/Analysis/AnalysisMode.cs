namespace Ctraffic.Analysis;

/// <summary>The analyses of <c>ctraffic -stat_file FILE -analyze MODE</c>.</summary>
public enum AnalysisMode
{
    /// <summary>Received KB/s between consecutive samples (<c>-analyze throughput</c>).</summary>
    Throughput,

    /// <summary>Active, new, failed and connecting connections per second (<c>-analyze connections</c>).</summary>
    Connections,

    /// <summary>Lost and lasting connections per server host (<c>-analyze hosts</c>).</summary>
    Hosts,
}
