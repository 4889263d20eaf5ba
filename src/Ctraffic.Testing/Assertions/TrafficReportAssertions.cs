using System.Globalization;
using Ctraffic.Reports;
using Ctraffic.Statistics;
using FluentAssertions;
using FluentAssertions.Execution;
using FluentAssertions.Primitives;

namespace Ctraffic.Testing.Assertions;

/// <summary>
/// FluentAssertions for a <see cref="TrafficReport"/>, with failure messages that say what broke,
/// when, and where: <c>report.Should().HaveLostNoConnections()</c>.
/// </summary>
public sealed partial class TrafficReportAssertions : ReferenceTypeAssertions<TrafficReport, TrafficReportAssertions>
{
    /// <summary>Creates the assertions for <paramref name="report"/>.</summary>
    public TrafficReportAssertions(TrafficReport report)
        : base(report)
    {
    }

    /// <inheritdoc/>
    protected override string Identifier => "traffic";

    /// <summary>No connection ended with an error.</summary>
    public AndConstraint<TrafficReportAssertions> HaveLostNoConnections(string because = "", params object[] becauseArgs)
    {
        var lost = Subject.LostConnections;
        Fail(lost.Count == 0, "no lost connections", because, becauseArgs, () => DescribeLost(Subject));
        return new AndConstraint<TrafficReportAssertions>(this);
    }

    /// <summary>Exactly <paramref name="expected"/> connections ended with an error.</summary>
    public AndConstraint<TrafficReportAssertions> HaveLostConnections(int expected, string because = "", params object[] becauseArgs)
    {
        Fail(Subject.LostConnections.Count == expected, $"{expected} lost connections", because, becauseArgs,
            () => Subject.LostConnections.Count == 0 ? "none were lost" : DescribeLost(Subject));
        return new AndConstraint<TrafficReportAssertions>(this);
    }

    /// <summary>No packet was dropped by the sender (the original's <c>Dropped</c>).</summary>
    public AndConstraint<TrafficReportAssertions> HaveDroppedNoPackets(string because = "", params object[] becauseArgs)
    {
        Fail(Subject.Dropped == 0, "no dropped packets", because, becauseArgs,
            () => $"{Subject.Dropped} of {Subject.Sent + Subject.Dropped} packets were dropped because the sender fell behind its pace{LocalLag(Subject)}{Where(Subject)}");
        return new AndConstraint<TrafficReportAssertions>(this);
    }

    /// <summary>
    /// No packet was dropped for a late echo. Drops the busy machine caused itself (the sender
    /// woke late: <see cref="TrafficReport.DroppedLocal"/>) are not the network's and pass.
    /// </summary>
    public AndConstraint<TrafficReportAssertions> HaveDroppedNoPacketsForLateEchoes(string because = "", params object[] becauseArgs)
    {
        var late = Subject.Dropped - Subject.DroppedLocal;
        Fail(late == 0, "no packets dropped for late echoes", because, becauseArgs,
            () => $"{late} of {Subject.Sent + Subject.Dropped} packets were dropped because echoes came late{LocalLag(Subject)}{Where(Subject)}");
        return new AndConstraint<TrafficReportAssertions>(this);
    }

    /// <summary>
    /// No packet sent in the window was lost: every one was echoed, or was still in flight when the
    /// report was made or the run stopped (<see cref="TrafficReport.InFlight"/>, not a loss). Packets
    /// belong to the window of their send time, with their echoes, so a window edge cannot make a loss.
    /// </summary>
    public AndConstraint<TrafficReportAssertions> HaveLostNoPackets(string because = "", params object[] becauseArgs)
    {
        var lost = Subject.PacketsLost;
        Fail(lost == 0, "every packet echoed", because, becauseArgs, () =>
        {
            var parts = new List<string>();
            if (Subject.LostInFlight > 0)
            {
                parts.Add($"{Subject.LostInFlight} in flight on lost connections");
            }

            if (Subject.Lost > 0)
            {
                parts.Add($"{Subject.Lost} datagrams without a reply");
            }

            var inFlight = Subject.InFlight > 0 ? $"; {Subject.InFlight} more were still in flight, not counted" : "";
            return $"{lost} of {Subject.Sent} packets sent got no echo ({string.Join(", ", parts)}){inFlight}{Where(Subject)}";
        });
        return new AndConstraint<TrafficReportAssertions>(this);
    }

    /// <summary>
    /// Connections were lost in the window only by the ways in <paramref name="kinds"/> (e.g.
    /// <see cref="ConnectionEndKind.PeerClosed"/> for a graceful reload); none lost passes too.
    /// </summary>
    public AndConstraint<TrafficReportAssertions> HaveLostConnectionsOnlyBy(params ConnectionEndKind[] kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        if (kinds.Length == 0)
        {
            throw new ArgumentException("name one kind at least", nameof(kinds));
        }

        var other = Subject.LostConnections.Where(c => !kinds.Contains(c.EndKind)).ToList();
        Fail(other.Count == 0, $"connections lost only by {string.Join(" or ", kinds.Select(ConnectionEnds.Describe))}", "", [],
            () => $"{other.Count} of {Subject.LostConnections.Count} lost were {ConnectionEnds.Summarize(other.Select(c => c.EndKind))}, " +
                  $"the first {Subject.DescribeTime(other.Min(c => c.Ended))}{Where(Subject)}");
        return new AndConstraint<TrafficReportAssertions>(this);
    }

    /// <summary>
    /// Every connection lost in the window ended from <paramref name="from"/> to <paramref name="to"/>
    /// after the window's start (a reload at the window's start that must cut connections only once
    /// its grace time is up: <c>HaveLostConnectionsOnlyBetween(TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(1.6))</c>);
    /// none lost passes too.
    /// </summary>
    public AndConstraint<TrafficReportAssertions> HaveLostConnectionsOnlyBetween(TimeSpan from, TimeSpan to, string because = "", params object[] becauseArgs)
    {
        var start = Subject.Period.Start;
        var outside = Subject.LostConnections.Where(c => c.Ended - start < from || c.Ended - start > to).ToList();
        Fail(outside.Count == 0, $"connections lost only {S(from)} to {S(to)} after the start of {Subject.Description}", because, becauseArgs,
            () => $"{outside.Count} of {Subject.LostConnections.Count} lost ended outside it, " +
                  string.Join(", ", outside.Select(c => c.Ended).Order().Take(3).Select(Subject.DescribeTime)) +
                  (outside.Count > 3 ? ", ..." : "") + Where(Subject));
        return new AndConstraint<TrafficReportAssertions>(this);
    }

    /// <summary>No connection was without echoes for longer than <paramref name="limit"/>.</summary>
    public AndConstraint<TrafficReportAssertions> HaveNoOutageLongerThan(TimeSpan limit, string because = "", params object[] becauseArgs)
    {
        var longest = Subject.Outages.Count == 0 ? null : Subject.Outages.MaxBy(o => o.Duration);
        Fail(longest is null || longest.Duration <= limit, $"no outage longer than {S(limit)}", because, becauseArgs,
            () => $"{Subject.Outages.Count(o => o.Duration > limit)} of {Subject.Outages.Count} outages were longer, the longest {S(longest!.Duration)} " +
                  $"on connection {longest.Connection} from {Subject.DescribeTime(longest.Start)}{(longest.Recovered ? "" : " (never recovered)")}{Where(Subject)}");
        return new AndConstraint<TrafficReportAssertions>(this);
    }

    /// <summary>Every failed connection got an echo on a new connection within <paramref name="limit"/> of its failure.</summary>
    public AndConstraint<TrafficReportAssertions> HaveRecoveredWithin(TimeSpan limit, string because = "", params object[] becauseArgs)
    {
        var slowest = Subject.Reconnects.Count == 0 ? null : Subject.Reconnects.MaxBy(r => r.TimeToRecover ?? TimeSpan.MaxValue);
        var ok = slowest is null || (slowest.TimeToRecover is { } t && t <= limit);
        Fail(ok, $"recovery within {S(limit)}", because, becauseArgs, () => slowest!.TimeToRecover is { } t
            ? $"connection {slowest.Connection}, lost {Subject.DescribeTime(slowest.FailedAt)}, took {S(t)} to get an echo again{Where(Subject)}"
            : $"connection {slowest.Connection}, lost {Subject.DescribeTime(slowest.FailedAt)}, never got an echo again{Where(Subject)}");
        return new AndConstraint<TrafficReportAssertions>(this);
    }

    /// <summary>
    /// Every connection echoed again within <paramref name="within"/> of the end of the disruption
    /// <paramref name="disruption"/> (see <see cref="TrafficReport.TimeToRecoverAfter"/>): "every
    /// connection echoed again within 1 s of the server's return" is
    /// <c>report.Should().HaveRecoveredAfter("kill backend-1", within: TimeSpan.FromSeconds(1))</c>.
    /// </summary>
    public AndConstraint<TrafficReportAssertions> HaveRecoveredAfter(string disruption, TimeSpan within, string because = "", params object[] becauseArgs)
    {
        var limit = within;
        var took = Subject.TimeToRecoverAfter(disruption);
        Fail(took is { } t && t <= limit, $"every connection echoing again within {S(limit)} of the end of '{disruption}'", because, becauseArgs, () => took is { } t
            ? $"the last one took {S(t)}{Where(Subject)}"
            : $"{Subject.Outages.Count(o => !o.Recovered)} connections have not echoed again{Where(Subject)}");
        return new AndConstraint<TrafficReportAssertions>(this);
    }

    /// <summary>The <paramref name="percentile"/>th percentile of the round-trip times is at most <paramref name="limit"/>.</summary>
    public AndConstraint<TrafficReportAssertions> HaveRttPercentileAtMost(double percentile, TimeSpan limit, string because = "", params object[] becauseArgs)
    {
        var rtt = Subject.Rtt;
        var value = percentile switch { 50 => rtt.P50, 90 => rtt.P90, 99 => rtt.P99, 99.9 => rtt.P999, 100 => rtt.Max, _ => throw new ArgumentOutOfRangeException(nameof(percentile), "use 50, 90, 99, 99.9 or 100") };
        Fail(rtt.Count > 0 && value <= limit, $"p{percentile.ToString(CultureInfo.InvariantCulture)} round-trip time at most {Ms(limit)}", because, becauseArgs,
            () => rtt.Count == 0 ? "no echo was measured" : $"it was {Ms(value)} ({rtt}){Where(Subject)}");
        return new AndConstraint<TrafficReportAssertions>(this);
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

    private static void Fail(bool condition, string expectation, string because, object[] becauseArgs, Func<string> actual)
    {
        if (condition)
        {
            return;
        }

        // The texts go in as arguments of the message: braces in them are not placeholders.
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .FailWith("Expected " + expectation.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal) + "{reason}, but " +
                      actual().Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal) + ".");
    }
}
