using System.Globalization;
using System.Text;
using Ctraffic.GoCompat;

namespace Ctraffic.Analysis;

/// <summary>
/// Prints analysis results exactly as the original ctraffic does: a header line, then one line of
/// space-separated values per row, numbers as Go's <c>fmt.Println</c> prints them, lines ended by "\n".
/// </summary>
public static class AnalysisText
{
    /// <summary>The header of the throughput analysis.</summary>
    public const string ThroughputHeader = "Time Throughput";

    /// <summary>The header of the connections analysis.</summary>
    public const string ConnectionsHeader = "Time Active New Failed Connecting";

    /// <summary><c>Time Throughput</c>, then <c>seconds KB/s</c> per point.</summary>
    /// <param name="points">The result of <see cref="TrafficAnalysis.Throughput(AnalysisInput)"/>.</param>
    public static string Format(IReadOnlyList<ThroughputPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var sb = new StringBuilder().Append(ThroughputHeader).Append('\n');
        foreach (var p in points)
        {
            sb.Append(GoFloat.Format(p.TimeSeconds)).Append(' ').Append(GoFloat.Format(p.KBps)).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary><c>Time Active New Failed Connecting</c>, then one line per interval.</summary>
    /// <param name="rows">The result of <see cref="TrafficAnalysis.Connections(AnalysisInput)"/>.</param>
    public static string Format(IReadOnlyList<ConnectionsRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var sb = new StringBuilder().Append(ConnectionsHeader).Append('\n');
        foreach (var r in rows)
        {
            sb.Append(GoFloat.Format(r.TimeSeconds))
              .Append(' ').Append(Int(r.Active))
              .Append(' ').Append(Int(r.New))
              .Append(' ').Append(Int(r.Failed))
              .Append(' ').Append(Int(r.Connecting)).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>
    /// <c>Lost connections: N</c> and a <c>"  host count"</c> line per host, then the same for
    /// <c>Lasting connections: N</c>. A host name is printed as it is, so an empty one leaves an empty field.
    /// </summary>
    /// <param name="report">The result of <see cref="TrafficAnalysis.Hosts(AnalysisInput)"/>.</param>
    public static string Format(HostsReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        AppendHosts(sb, "Lost connections: ", report.LostTotal, report.Lost);
        AppendHosts(sb, "Lasting connections: ", report.LastingTotal, report.Lasting);
        return sb.ToString();
    }

    private static void AppendHosts(StringBuilder sb, string title, int total, IReadOnlyList<HostCount> hosts)
    {
        sb.Append(title).Append(Int(total)).Append('\n');
        foreach (var h in hosts)
        {
            sb.Append("  ").Append(h.Host).Append(' ').Append(Int(h.Count)).Append('\n');
        }
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
