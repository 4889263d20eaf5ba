using Ctraffic.Reports;
using Ctraffic.Statistics;
using Ctraffic.Testing.Verdicts;

namespace Ctraffic.Testing.Assertions;

/// <summary>
/// Assertions for a <see cref="TrafficReport"/>, with failure messages that say what broke,
/// when, and where: <c>report.Should().HaveLostNoConnections()</c>. Each is the check of
/// <see cref="TrafficVerdicts"/> of the same name without <c>Have</c>, failing through the
/// assertion library, so an <c>AssertionScope</c> collects it.
/// </summary>
public sealed partial class TrafficReportAssertions : ReferenceTypeAssertions<TrafficReport, TrafficReportAssertions>
{
#if AWESOME_ASSERTIONS
    /// <summary>Creates the assertions for <paramref name="report"/>, failing through <paramref name="assertionChain"/>.</summary>
    /// <param name="report">The report or window.</param>
    /// <param name="assertionChain">The chain the failures go to.</param>
    public TrafficReportAssertions(TrafficReport report, AssertionChain assertionChain)
        : base(report, assertionChain)
    {
    }

    private AssertionChain Chain => CurrentAssertionChain;
#else
    /// <summary>Creates the assertions for <paramref name="report"/>.</summary>
    /// <param name="report">The report or window.</param>
    public TrafficReportAssertions(TrafficReport report)
        : base(report)
    {
    }

    private static AssertionScope Chain => Execute.Assertion;
#endif

    /// <inheritdoc/>
    protected override string Identifier => "traffic";

    /// <summary>No connection ended with an error.</summary>
    public AndConstraint<TrafficReportAssertions> HaveLostNoConnections(string because = "", params object[] becauseArgs)
        => Assert(TrafficVerdicts.LostNoConnections(Subject), because, becauseArgs);

    /// <summary>Exactly <paramref name="expected"/> connections ended with an error.</summary>
    public AndConstraint<TrafficReportAssertions> HaveLostConnections(int expected, string because = "", params object[] becauseArgs)
        => Assert(TrafficVerdicts.LostConnections(Subject, expected), because, becauseArgs);

    /// <summary>No packet was dropped by the sender (the original's <c>Dropped</c>).</summary>
    public AndConstraint<TrafficReportAssertions> HaveDroppedNoPackets(string because = "", params object[] becauseArgs)
        => Assert(TrafficVerdicts.DroppedNoPackets(Subject), because, becauseArgs);

    /// <summary>
    /// No packet was dropped for a late echo. Drops the busy machine caused itself (the sender
    /// woke late: <see cref="TrafficReport.DroppedLocal"/>) are not the network's and pass.
    /// </summary>
    public AndConstraint<TrafficReportAssertions> HaveDroppedNoPacketsForLateEchoes(string because = "", params object[] becauseArgs)
        => Assert(TrafficVerdicts.DroppedNoPacketsForLateEchoes(Subject), because, becauseArgs);

    /// <summary>
    /// No packet sent in the window was lost: every one was echoed, or was still in flight when the
    /// report was made or the run stopped (<see cref="TrafficReport.InFlight"/>, not a loss). Packets
    /// belong to the window of their send time, with their echoes, so a window edge cannot make a loss.
    /// </summary>
    public AndConstraint<TrafficReportAssertions> HaveLostNoPackets(string because = "", params object[] becauseArgs)
        => Assert(TrafficVerdicts.LostNoPackets(Subject), because, becauseArgs);

    /// <summary>
    /// Connections were lost in the window only by the ways in <paramref name="kinds"/> (e.g.
    /// <see cref="ConnectionEndKind.PeerClosed"/> for a graceful reload); none lost passes too.
    /// </summary>
    public AndConstraint<TrafficReportAssertions> HaveLostConnectionsOnlyBy(params ConnectionEndKind[] kinds)
        => Assert(TrafficVerdicts.LostConnectionsOnlyBy(Subject, kinds), "", []);

    /// <summary>
    /// Every connection lost in the window ended from <paramref name="from"/> to <paramref name="to"/>
    /// after the window's start (a reload at the window's start that must cut connections only once
    /// its grace time is up: <c>HaveLostConnectionsOnlyBetween(TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(1.6))</c>);
    /// none lost passes too.
    /// </summary>
    public AndConstraint<TrafficReportAssertions> HaveLostConnectionsOnlyBetween(TimeSpan from, TimeSpan to, string because = "", params object[] becauseArgs)
        => Assert(TrafficVerdicts.LostConnectionsOnlyBetween(Subject, from, to), because, becauseArgs);

    /// <summary>No connection was without echoes for longer than <paramref name="limit"/>.</summary>
    public AndConstraint<TrafficReportAssertions> HaveNoOutageLongerThan(TimeSpan limit, string because = "", params object[] becauseArgs)
        => Assert(TrafficVerdicts.NoOutageLongerThan(Subject, limit), because, becauseArgs);

    /// <summary>Every failed connection got an echo on a new connection within <paramref name="limit"/> of its failure.</summary>
    public AndConstraint<TrafficReportAssertions> HaveRecoveredWithin(TimeSpan limit, string because = "", params object[] becauseArgs)
        => Assert(TrafficVerdicts.RecoveredWithin(Subject, limit), because, becauseArgs);

    /// <summary>
    /// Every connection echoed again within <paramref name="within"/> of the end of the disruption
    /// <paramref name="disruption"/> (see <see cref="TrafficReport.TimeToRecoverAfter"/>): "every
    /// connection echoed again within 1 s of the server's return" is
    /// <c>report.Should().HaveRecoveredAfter("kill backend-1", within: TimeSpan.FromSeconds(1))</c>.
    /// </summary>
    public AndConstraint<TrafficReportAssertions> HaveRecoveredAfter(string disruption, TimeSpan within, string because = "", params object[] becauseArgs)
        => Assert(TrafficVerdicts.RecoveredAfter(Subject, disruption, within), because, becauseArgs);

    /// <summary>The <paramref name="percentile"/>th percentile of the round-trip times is at most <paramref name="limit"/>.</summary>
    public AndConstraint<TrafficReportAssertions> HaveRttPercentileAtMost(double percentile, TimeSpan limit, string because = "", params object[] becauseArgs)
        => Assert(TrafficVerdicts.RttPercentileAtMost(Subject, percentile, limit), because, becauseArgs);

    /// <summary>Fails through the assertion library with <paramref name="verdict"/>'s message unless it passed.</summary>
    /// <param name="verdict">The check's verdict.</param>
    /// <param name="because">Why, for the message.</param>
    /// <param name="becauseArgs">Arguments of <paramref name="because"/>.</param>
    /// <returns>These assertions, to chain with <c>.And</c>.</returns>
    internal AndConstraint<TrafficReportAssertions> Assert(TrafficVerdict verdict, string because, object[] becauseArgs)
    {
        if (!verdict.Passed)
        {
            // The library words the reason ("{reason}"); the texts go in as the message itself, so
            // braces in them are not placeholders.
            Chain.BecauseOf(because, becauseArgs)
                .FailWith("Expected " + Escape(verdict.Expectation) + "{reason}, but " + Escape(verdict.Actual!) + ".");
        }

        return new AndConstraint<TrafficReportAssertions>(this);
    }

    private static string Escape(string text) => text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);
}
