namespace Ctraffic.Analysis;

/// <summary>
/// Charts of the analysis results, for <see cref="SvgWriter"/>. They are plain records: add a series
/// (e.g. a round-trip time on the right axis) with <c>with { Series = [..] }</c> before writing.
/// </summary>
public static class AnalysisCharts
{
    /// <summary>The unit label of time axes.</summary>
    public const string TimeLabel = "Time (s)";

    /// <summary>The host name shown in charts for connections that got none.</summary>
    public const string NoHost = "(no host)";

    /// <summary>Throughput over time: one series, "Throughput", in KB/s.</summary>
    /// <param name="points">The result of the throughput analysis.</param>
    public static SvgLineChart Throughput(IReadOnlyList<ThroughputPoint> points)
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

    /// <summary>Connections over time: the series "Active", "New", "Failed" and "Connecting".</summary>
    /// <param name="rows">The result of the connections analysis.</param>
    public static SvgLineChart Connections(IReadOnlyList<ConnectionsRow> rows)
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

    /// <summary>Lost and lasting connections per host: one group of bars ("Lost", "Lasting") per host.</summary>
    /// <param name="report">The result of the hosts analysis.</param>
    public static SvgBarChart Hosts(HostsReport report)
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
