using System.Globalization;
using Ctraffic.Reports;
using Ctraffic.Statistics;

namespace Ctraffic.Testing.Verdicts;

/// <summary>
/// Every check of a traffic report (or a window of it), free of any assertion library: what is
/// measured, the verdict and its message — what broke, when, and where. The adapters of
/// <c>Ctraffic.Testing.FluentAssertions</c> and <c>Ctraffic.Testing.AwesomeAssertions</c>
/// (<c>report.Should().HaveLostNoPackets()</c>) fail with these; without an assertion library:
/// <c>TrafficVerdicts.LostNoPackets(report).ThrowIfFailed();</c>, or
/// <c>Assert.True(verdict.Passed, verdict.Message())</c>. Each is named after its assertion without
/// its <c>Have</c>.
/// </summary>
public static partial class TrafficVerdicts
{
    /// <summary>No connection ended with an error.</summary>
    /// <param name="report">The report or window.</param>
    /// <returns>The verdict.</returns>
    public static TrafficVerdict LostNoConnections(TrafficReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return TrafficVerdict.Of(report.LostConnections.Count == 0, "no lost connections", () => DescribeLost(report));
    }

    /// <summary>Exactly <paramref name="expected"/> connections ended with an error.</summary>
    /// <param name="report">The report or window.</param>
    /// <param name="expected">How many.</param>
    /// <returns>The verdict.</returns>
    public static TrafficVerdict LostConnections(TrafficReport report, int expected)
    {
        ArgumentNullException.ThrowIfNull(report);
        return TrafficVerdict.Of(report.LostConnections.Count == expected, $"{expected} lost connections",
            () => report.LostConnections.Count == 0 ? "none were lost" : DescribeLost(report));
    }

    /// <summary>No packet was dropped by the sender (the original's <c>Dropped</c>).</summary>
    /// <param name="report">The report or window.</param>
    /// <returns>The verdict.</returns>
    public static TrafficVerdict DroppedNoPackets(TrafficReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return TrafficVerdict.Of(report.Dropped == 0, "no dropped packets",
            () => $"{report.Dropped} of {report.Sent + report.Dropped} packets were dropped because the sender fell behind its pace{LocalLag(report)}{Where(report)}");
    }

    /// <summary>
    /// No packet was dropped for a late echo. Drops the busy machine caused itself (the sender
    /// woke late: <see cref="TrafficReport.DroppedLocal"/>) are not the network's and pass.
    /// </summary>
    /// <param name="report">The report or window.</param>
    /// <returns>The verdict.</returns>
    public static TrafficVerdict DroppedNoPacketsForLateEchoes(TrafficReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var late = report.Dropped - report.DroppedLocal;
        return TrafficVerdict.Of(late == 0, "no packets dropped for late echoes",
            () => $"{late} of {report.Sent + report.Dropped} packets were dropped because echoes came late{LocalLag(report)}{Where(report)}");
    }

    /// <summary>
    /// No packet sent in the window was lost: every one was echoed, or was still in flight when the
    /// report was made or the run stopped (<see cref="TrafficReport.InFlight"/>, not a loss). Packets
    /// belong to the window of their send time, with their echoes, so a window edge cannot make a loss.
    /// </summary>
    /// <param name="report">The report or window.</param>
    /// <returns>The verdict.</returns>
    public static TrafficVerdict LostNoPackets(TrafficReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var lost = report.PacketsLost;
        return TrafficVerdict.Of(lost == 0, "every packet echoed", () =>
        {
            var parts = new List<string>();
            if (report.LostInFlight > 0)
            {
                parts.Add($"{report.LostInFlight} in flight on lost connections");
            }

            if (report.Lost > 0)
            {
                parts.Add($"{report.Lost} datagrams without a reply");
            }

            var inFlight = report.InFlight > 0 ? $"; {report.InFlight} more were still in flight, not counted" : "";
            return $"{lost} of {report.Sent} packets sent got no echo ({string.Join(", ", parts)}){inFlight}{Where(report)}";
        });
    }

    /// <summary>
    /// Connections were lost in the window only by the ways in <paramref name="kinds"/> (e.g.
    /// <see cref="ConnectionEndKind.PeerClosed"/> for a graceful reload); none lost passes too.
    /// </summary>
    /// <param name="report">The report or window.</param>
    /// <param name="kinds">The ways allowed; one at least.</param>
    /// <returns>The verdict.</returns>
    /// <exception cref="ArgumentException"><paramref name="kinds"/> is empty.</exception>
    public static TrafficVerdict LostConnectionsOnlyBy(TrafficReport report, params ConnectionEndKind[] kinds)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(kinds);
        if (kinds.Length == 0)
        {
            throw new ArgumentException("name one kind at least", nameof(kinds));
        }

        var other = report.LostConnections.Where(c => !kinds.Contains(c.EndKind)).ToList();
        return TrafficVerdict.Of(other.Count == 0, $"connections lost only by {string.Join(" or ", kinds.Select(ConnectionEnds.Describe))}",
            () => $"{other.Count} of {report.LostConnections.Count} lost were {ConnectionEnds.Summarize(other.Select(c => c.EndKind))}, " +
                  $"the first {report.DescribeTime(other.Min(c => c.Ended))}{Where(report)}");
    }

    /// <summary>
    /// Every connection lost in the window ended from <paramref name="from"/> to <paramref name="to"/>
    /// after the window's start (a reload at the window's start that must cut connections only once
    /// its grace time is up); none lost passes too.
    /// </summary>
    /// <param name="report">The report or window.</param>
    /// <param name="from">The earliest, from the window's start.</param>
    /// <param name="to">The latest, from the window's start.</param>
    /// <returns>The verdict.</returns>
    public static TrafficVerdict LostConnectionsOnlyBetween(TrafficReport report, TimeSpan from, TimeSpan to)
    {
        ArgumentNullException.ThrowIfNull(report);
        var start = report.Period.Start;
        var outside = report.LostConnections.Where(c => c.Ended - start < from || c.Ended - start > to).ToList();
        return TrafficVerdict.Of(outside.Count == 0, $"connections lost only {S(from)} to {S(to)} after the start of {report.Description}",
            () => $"{outside.Count} of {report.LostConnections.Count} lost ended outside it, " +
                  string.Join(", ", outside.Select(c => c.Ended).Order().Take(3).Select(report.DescribeTime)) +
                  (outside.Count > 3 ? ", ..." : "") + Where(report));
    }

    /// <summary>No connection was without echoes for longer than <paramref name="limit"/>.</summary>
    /// <param name="report">The report or window.</param>
    /// <param name="limit">The longest outage allowed.</param>
    /// <returns>The verdict.</returns>
    public static TrafficVerdict NoOutageLongerThan(TrafficReport report, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(report);
        var longest = report.Outages.Count == 0 ? null : report.Outages.MaxBy(o => o.Duration);
        return TrafficVerdict.Of(longest is null || longest.Duration <= limit, $"no outage longer than {S(limit)}",
            () => $"{report.Outages.Count(o => o.Duration > limit)} of {report.Outages.Count} outages were longer, the longest {S(longest!.Duration)} " +
                  $"on connection {longest.Connection} from {report.DescribeTime(longest.Start)}{(longest.Recovered ? "" : " (never recovered)")}{Where(report)}");
    }

    /// <summary>Every failed connection got an echo on a new connection within <paramref name="limit"/> of its failure.</summary>
    /// <param name="report">The report or window.</param>
    /// <param name="limit">The longest time to recover allowed.</param>
    /// <returns>The verdict.</returns>
    public static TrafficVerdict RecoveredWithin(TrafficReport report, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(report);
        var slowest = report.Reconnects.Count == 0 ? null : report.Reconnects.MaxBy(r => r.TimeToRecover ?? TimeSpan.MaxValue);
        var ok = slowest is null || (slowest.TimeToRecover is { } t && t <= limit);
        return TrafficVerdict.Of(ok, $"recovery within {S(limit)}", () => slowest!.TimeToRecover is { } t
            ? $"connection {slowest.Connection}, lost {report.DescribeTime(slowest.FailedAt)}, took {S(t)} to get an echo again{Where(report)}"
            : $"connection {slowest.Connection}, lost {report.DescribeTime(slowest.FailedAt)}, never got an echo again{Where(report)}");
    }

    /// <summary>
    /// Every connection echoed again within <paramref name="within"/> of the end of the disruption
    /// <paramref name="disruption"/> (see <see cref="TrafficReport.TimeToRecoverAfter"/>).
    /// </summary>
    /// <param name="report">The report or window.</param>
    /// <param name="disruption">The disruption's name (<c>"kill backend-2#2"</c> for one of several).</param>
    /// <param name="within">The longest time to recover allowed.</param>
    /// <returns>The verdict.</returns>
    public static TrafficVerdict RecoveredAfter(TrafficReport report, string disruption, TimeSpan within)
    {
        ArgumentNullException.ThrowIfNull(report);
        var took = report.TimeToRecoverAfter(disruption);
        return TrafficVerdict.Of(took is { } t && t <= within, $"every connection echoing again within {S(within)} of the end of '{disruption}'", () => took is { } t
            ? $"the last one took {S(t)}{Where(report)}"
            : $"{report.Outages.Count(o => !o.Recovered)} connections have not echoed again{Where(report)}");
    }

    /// <summary>The <paramref name="percentile"/>th percentile of the round-trip times is at most <paramref name="limit"/>.</summary>
    /// <param name="report">The report or window.</param>
    /// <param name="percentile">50, 90, 99, 99.9 or 100.</param>
    /// <param name="limit">The most the percentile may be.</param>
    /// <returns>The verdict.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="percentile"/> is not one of those kept.</exception>
    public static TrafficVerdict RttPercentileAtMost(TrafficReport report, double percentile, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(report);
        var rtt = report.Rtt;
        var value = percentile switch { 50 => rtt.P50, 90 => rtt.P90, 99 => rtt.P99, 99.9 => rtt.P999, 100 => rtt.Max, _ => throw new ArgumentOutOfRangeException(nameof(percentile), "use 50, 90, 99, 99.9 or 100") };
        return TrafficVerdict.Of(rtt.Count > 0 && value <= limit, $"p{percentile.ToString(CultureInfo.InvariantCulture)} round-trip time at most {Ms(limit)}",
            () => rtt.Count == 0 ? "no echo was measured" : $"it was {Ms(value)} ({rtt}){Where(report)}");
    }

    private static string DescribeLost(TrafficReport report)
    {
        var lost = report.LostConnections;
        return $"{lost.Count} of {report.Connections} were lost {When(report, lost)}, {OnHosts(lost)}: {ConnectionEnds.Summarize(lost.Select(c => c.EndKind))}{Where(report)}";
    }

    /// <summary>When <paramref name="lost"/> ended: one time, or from the first to the last.</summary>
    private static string When(TrafficReport report, IReadOnlyList<ConnectionStats> lost)
    {
        var (from, to) = (report.DescribeTime(lost.Min(c => c.Ended)), report.DescribeTime(lost.Max(c => c.Ended)));
        return from == to ? from : $"from {from} to {to}";
    }

    /// <summary>On which hosts <paramref name="lost"/> were: "all on host X", or each host with its count, most first.</summary>
    private static string OnHosts(IReadOnlyList<ConnectionStats> lost)
    {
        var hosts = lost.GroupBy(c => c.Host.Length == 0 ? HostStatistics.NoReply : c.Host).OrderByDescending(g => g.Count()).ToList();
        return hosts.Count == 1
            ? $"all on host {hosts[0].Key}"
            : "on hosts " + string.Join(", ", hosts.Select(g => $"{g.Key} ({g.Count()})"));
    }

    private static string LocalLag(TrafficReport report)
    {
        if (report.DroppedLocal == 0)
        {
            return "";
        }

        var stats = report.Statistics;
        return $"; {report.DroppedLocal} dropped because the sender itself woke late (the machine was busy: pacing lag p99 {Ms(stats.PacingLagP99)}, max {Ms(stats.PacingLagMax)})";
    }

    private static string Where(TrafficReport report) => report.Name is null ? "" : $" (in {report.Description}, {report.Period} into the run)";

    private static string S(TimeSpan t) => t.TotalSeconds.ToString("0.0##", CultureInfo.InvariantCulture) + " s";

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + " ms";
}
