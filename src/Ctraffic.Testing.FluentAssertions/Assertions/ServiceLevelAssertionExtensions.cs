using Ctraffic.Reports;
using Ctraffic.Testing.Assertions;
using Ctraffic.Testing.Verdicts;

namespace Ctraffic.Testing;

/// <summary>
/// Service-level assertions on a report or a window of it — availability, sliding windows, the
/// error budget — and that a disruption really hit traffic:
/// <c>report.Window("kill backend-1").Should().HaveAvailabilityAtLeast(99)</c>. Availability is the
/// share of due packets answered in time (see <see cref="Availability"/>). Their messages say how
/// much, when (from the run's start, or from the window's mark) and on which hosts.
/// </summary>
public static class ServiceLevelAssertionExtensions
{
    /// <summary>The availability of the report or window (<see cref="TrafficReport.Availability"/>) is at least <paramref name="percent"/>.</summary>
    /// <param name="assertions">The report's assertions.</param>
    /// <param name="percent">The least availability, in percent: more than 0, at most 100.</param>
    /// <param name="because">Why, for the message.</param>
    /// <param name="becauseArgs">Arguments of <paramref name="because"/>.</param>
    /// <returns>The assertions, to chain with <c>.And</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="percent"/> is out of range.</exception>
    public static AndConstraint<TrafficReportAssertions> HaveAvailabilityAtLeast(this TrafficReportAssertions assertions, double percent, string because = "", params object[] becauseArgs)
        => Check(assertions, r => TrafficVerdicts.AvailabilityAtLeast(r, percent), because, becauseArgs);

    /// <summary>
    /// No window of <paramref name="length"/> sliding over the report or window in 100 ms steps
    /// (<see cref="TrafficReport.SlidingAvailability"/>) has an availability below <paramref name="percent"/>:
    /// "no 1 s without 99 % of the packets answered in time" is
    /// <c>HaveNoWindowBelow(TimeSpan.FromSeconds(1), 99)</c>. It catches what the whole hides: a 10 s
    /// outage in a 172 s run leaves the run 94.2 % available, but ten seconds of windows at 0 %.
    /// </summary>
    /// <param name="assertions">The report's assertions.</param>
    /// <param name="length">The length of a window; more than 0, at most <see cref="TrafficReport.MaxSlidingWindow"/>.</param>
    /// <param name="percent">The least availability of every window, in percent: more than 0, at most 100.</param>
    /// <param name="because">Why, for the message.</param>
    /// <param name="becauseArgs">Arguments of <paramref name="because"/>.</param>
    /// <returns>The assertions, to chain with <c>.And</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public static AndConstraint<TrafficReportAssertions> HaveNoWindowBelow(this TrafficReportAssertions assertions, TimeSpan length, double percent, string because = "", params object[] becauseArgs)
        => Check(assertions, r => TrafficVerdicts.NoWindowBelow(r, length, percent), because, becauseArgs);

    /// <summary>
    /// The unanswered packets used at most <paramref name="usedPercent"/> % of the error budget of an
    /// availability target of <paramref name="targetPercent"/> (<see cref="Availability.ErrorBudgetUsed"/>):
    /// a disruption may spend half the budget of 99.9 % with <c>HaveUsedErrorBudgetAtMost(99.9, 50)</c>.
    /// </summary>
    /// <param name="assertions">The report's assertions.</param>
    /// <param name="targetPercent">The availability target, e.g. 99.9; more than 0, less than 100.</param>
    /// <param name="usedPercent">The most of its budget that may be used, in percent (0 or more).</param>
    /// <param name="because">Why, for the message.</param>
    /// <param name="becauseArgs">Arguments of <paramref name="because"/>.</param>
    /// <returns>The assertions, to chain with <c>.And</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public static AndConstraint<TrafficReportAssertions> HaveUsedErrorBudgetAtMost(this TrafficReportAssertions assertions, double targetPercent, double usedPercent, string because = "", params object[] becauseArgs)
        => Check(assertions, r => TrafficVerdicts.UsedErrorBudgetAtMost(r, targetPercent, usedPercent), because, becauseArgs);

    /// <summary>
    /// The disruption <paramref name="disruption"/> — or, on a disruption's window, that disruption —
    /// touched traffic (<see cref="DisruptionEffect.TouchedTraffic"/>): a fault that no traffic crossed
    /// proves nothing about the system, so a test that asserts "nothing was lost" should also assert this.
    /// </summary>
    /// <param name="assertions">The report's assertions.</param>
    /// <param name="disruption">The disruption's name (<c>"kill backend-2#2"</c> for one of several); <see langword="null"/> on its window.</param>
    /// <param name="because">Why, for the message.</param>
    /// <param name="becauseArgs">Arguments of <paramref name="because"/>.</param>
    /// <returns>The assertions, to chain with <c>.And</c>.</returns>
    /// <exception cref="ArgumentException">No disruption has the name, or the report is not a disruption's window and no name is given.</exception>
    public static AndConstraint<TrafficReportAssertions> HaveHitTraffic(this TrafficReportAssertions assertions, string? disruption = null, string because = "", params object[] becauseArgs)
        => Check(assertions, r => TrafficVerdicts.HitTraffic(r, disruption), because, becauseArgs);

    /// <summary>Every disruption that began in the report or window touched traffic; fails on none.</summary>
    /// <param name="assertions">The report's assertions.</param>
    /// <param name="because">Why, for the message.</param>
    /// <param name="becauseArgs">Arguments of <paramref name="because"/>.</param>
    /// <returns>The assertions, to chain with <c>.And</c>.</returns>
    public static AndConstraint<TrafficReportAssertions> HaveEveryDisruptionHitTraffic(this TrafficReportAssertions assertions, string because = "", params object[] becauseArgs)
        => Check(assertions, TrafficVerdicts.EveryDisruptionHitTraffic, because, becauseArgs);

    private static AndConstraint<TrafficReportAssertions> Check(TrafficReportAssertions assertions, Func<TrafficReport, TrafficVerdict> check, string because, object[] becauseArgs)
    {
        ArgumentNullException.ThrowIfNull(assertions);
        return assertions.Assert(check(assertions.Subject), because, becauseArgs);
    }
}
