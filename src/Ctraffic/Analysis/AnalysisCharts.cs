using Ctraffic.Charts;

namespace Ctraffic.Analysis;

/// <summary>
/// Charts of the analysis results as standalone SVG documents (900×500, no scripts, no external
/// resources): each line series is a <c>&lt;polyline class="series" data-series="NAME"&gt;</c> and
/// each bar a <c>&lt;rect class="bar" data-series="NAME" data-category="HOST"&gt;</c>.
/// </summary>
public static class AnalysisCharts
{
    /// <summary>The unit label of time axes.</summary>
    public const string TimeLabel = "Time (s)";

    /// <summary>The host name shown in charts for connections that got none.</summary>
    public const string NoHost = "(no host)";

    /// <summary>Throughput over time: one series, "Throughput", in KB/s.</summary>
    /// <param name="points">The result of the throughput analysis.</param>
    /// <returns>The SVG text.</returns>
    public static string Throughput(IReadOnlyList<ThroughputPoint> points) => SvgWriter.Write(ThroughputChart(points));

    /// <summary>Connections over time: the series "Active", "New", "Failed" and "Connecting".</summary>
    /// <param name="rows">The result of the connections analysis.</param>
    /// <returns>The SVG text.</returns>
    public static string Connections(IReadOnlyList<ConnectionsRow> rows) => SvgWriter.Write(ConnectionsChart(rows));

    /// <summary>Lost and lasting connections per host: one group of bars ("Lost", "Lasting") per host.</summary>
    /// <param name="report">The result of the hosts analysis.</param>
    /// <returns>The SVG text.</returns>
    public static string Hosts(HostsReport report) => SvgWriter.Write(HostsChart(report));

    /// <summary>The chart of <see cref="Throughput"/>; add a series (e.g. a round-trip time on the right axis) with <c>with { Series = [..] }</c>.</summary>
    internal static SvgLineChart ThroughputChart(IReadOnlyList<ThroughputPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        return new SvgLineChart
        {
            Title = "Throughput",
            XLabel = TimeLabel,
            YLabel = "Throughput (KB/s)",
            Y2Label = "Round-trip time (ms)",
            Series = [new SvgSeries("Throughput", [.. points.Select(p => new SvgPoint(p.TimeSeconds, p.KBps))])],
        };
    }

    /// <summary>The chart of <see cref="Connections"/>.</summary>
    internal static SvgLineChart ConnectionsChart(IReadOnlyList<ConnectionsRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return new SvgLineChart
        {
            Title = "Connections",
            XLabel = TimeLabel,
            YLabel = "Connections",
            Series =
            [
                Series("Active", rows, r => r.Active),
                Series("New", rows, r => r.New),
                Series("Failed", rows, r => r.Failed),
                Series("Connecting", rows, r => r.Connecting),
            ],
        };
    }

    /// <summary>The chart of <see cref="Hosts"/>.</summary>
    internal static SvgBarChart HostsChart(HostsReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var hosts = report.Lost.Concat(report.Lasting).Select(h => h.Host).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return new SvgBarChart
        {
            Title = "Connections per host",
            XLabel = "Host",
            YLabel = "Connections",
            Categories = [.. hosts.Select(h => h.Length == 0 ? NoHost : h)],
            Series = [Bars("Lost", hosts, report.Lost), Bars("Lasting", hosts, report.Lasting)],
        };
    }

    private static SvgSeries Series(string name, IReadOnlyList<ConnectionsRow> rows, Func<ConnectionsRow, int> value)
        => new(name, [.. rows.Select(r => new SvgPoint(r.TimeSeconds, value(r)))]);

    private static SvgBarSeries Bars(string name, IReadOnlyList<string> hosts, IReadOnlyList<HostCount> counts)
        => new(name, [.. hosts.Select(h => (double)counts.Where(c => c.Host == h).Sum(c => c.Count))]);
}
