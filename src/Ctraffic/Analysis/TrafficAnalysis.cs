using Ctraffic.Statistics;

namespace Ctraffic.Analysis;

/// <summary>
/// The post-test analyses of the original ctraffic (<c>-stat_file FILE -analyze MODE</c>). Each
/// returns typed rows; <see cref="AnalysisText"/> prints them as the original does.
/// </summary>
public static class TrafficAnalysis
{
    /// <summary>Received KB/s between consecutive samples, one point per pair.</summary>
    /// <param name="input">The statistics; read from JSON with <see cref="AnalysisInput.Parse"/> for exact times.</param>
    /// <exception cref="AnalysisException">There are no samples ("No samples found").</exception>
    public static IReadOnlyList<ThroughputPoint> Throughput(AnalysisInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ThroughputAnalysis.Run(input);
    }

    /// <inheritdoc cref="Throughput(AnalysisInput)"/>
    /// <param name="statistics">The statistics.</param>
    public static IReadOnlyList<ThroughputPoint> Throughput(TrafficStatistics statistics)
        => Throughput(AnalysisInput.FromStatistics(statistics));

    /// <summary>
    /// Active, new, failed and connecting slots per 1-second interval, one row for each whole second
    /// before the end of the run.
    /// </summary>
    /// <param name="input">The statistics; read from JSON with <see cref="AnalysisInput.Parse"/> for exact times.</param>
    /// <exception cref="AnalysisException">
    /// There are no connection statistics, a slot has no end time, or the duration is absurdly long.
    /// </exception>
    public static IReadOnlyList<ConnectionsRow> Connections(AnalysisInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ConnectionsAnalysis.Run(input);
    }

    /// <inheritdoc cref="Connections(AnalysisInput)"/>
    /// <param name="statistics">The statistics.</param>
    public static IReadOnlyList<ConnectionsRow> Connections(TrafficStatistics statistics)
        => Connections(AnalysisInput.FromStatistics(statistics));

    /// <summary>Lost (ended with an error) and lasting (connected, no error) connections per server host.</summary>
    /// <param name="input">The statistics.</param>
    /// <exception cref="AnalysisException">There are no connection statistics.</exception>
    public static HostsReport Hosts(AnalysisInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return HostsAnalysis.Run(input);
    }

    /// <inheritdoc cref="Hosts(AnalysisInput)"/>
    /// <param name="statistics">The statistics.</param>
    public static HostsReport Hosts(TrafficStatistics statistics)
        => Hosts(AnalysisInput.FromStatistics(statistics));
}
