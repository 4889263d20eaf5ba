using System.Globalization;
using Ctraffic.Reports;

namespace Ctraffic.Testing.Verdicts;

/// <summary>
/// The service-level checks of a report or a window of it — availability, sliding windows, the
/// error budget — and that a disruption really hit traffic. Availability is the share of due
/// packets answered in time (see <see cref="Availability"/>). Their messages say how much, when
/// (from the run's start, or from the window's mark) and on which hosts.
/// </summary>
public static partial class TrafficVerdicts
{
    /// <summary>The availability of the report or window (<see cref="TrafficReport.Availability"/>) is at least <paramref name="percent"/>.</summary>
    /// <param name="report">The report or window.</param>
    /// <param name="percent">The least availability, in percent: more than 0, at most 100.</param>
    /// <returns>The verdict.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="percent"/> is out of range.</exception>
    public static TrafficVerdict AvailabilityAtLeast(TrafficReport report, double percent)
    {
        ArgumentNullException.ThrowIfNull(report);
        CheckPercent(percent, nameof(percent));
        var availability = report.Availability;
        return TrafficVerdict.Of(availability.Due > 0 && availability.Percent >= percent, $"availability of at least {Percent(percent)}", () => availability.Due <= 0
            ? $"no packet was due: no connection had echoed{Where(report)}"
            : $"it was {availability}{Cause(report, report.Period)}{Where(report)}");
    }

    /// <summary>
    /// No window of <paramref name="length"/> sliding over the report or window in 100 ms steps
    /// (<see cref="TrafficReport.SlidingAvailability"/>) has an availability below <paramref name="percent"/>.
    /// It catches what the whole hides: a 10 s outage in a 172 s run leaves the run 94.2 % available,
    /// but ten seconds of windows at 0 %.
    /// </summary>
    /// <param name="report">The report or window.</param>
    /// <param name="length">The length of a window; more than 0, at most <see cref="TrafficReport.MaxSlidingWindow"/>.</param>
    /// <param name="percent">The least availability of every window, in percent: more than 0, at most 100.</param>
    /// <returns>The verdict.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public static TrafficVerdict NoWindowBelow(TrafficReport report, TimeSpan length, double percent)
    {
        ArgumentNullException.ThrowIfNull(report);
        CheckPercent(percent, nameof(percent));
        var windows = report.SlidingAvailability(length);
        var expectation = $"no {S(length)} window below {Percent(percent)} availability";
        if (windows.Count == 0 || windows.All(w => w.Availability.Due <= 0))
        {
            return TrafficVerdict.Fail(expectation, $"no packet was due: no connection had echoed{Where(report)}");
        }

        var below = windows.Where(w => w.Availability.Due > 0 && w.Availability.Percent < percent).ToList();
        if (below.Count == 0)
        {
            return TrafficVerdict.Pass(expectation);
        }

        var worst = below.MinBy(w => w.Availability.Percent);
        var first = below[0];
        var last = below[^1];
        return TrafficVerdict.Fail(expectation,
            $"{below.Count} of {windows.Count} windows were, from {report.DescribeTime(first.Window.Start)} to {report.DescribeTime(last.Window.End)}; " +
            $"the worst {Reports(worst.Availability)} from {report.DescribeTime(worst.Window.Start)} to {report.DescribeTime(worst.Window.End)}" +
            $"{Cause(report, worst.Window)}{Where(report)}");
    }

    /// <summary>
    /// The unanswered packets used at most <paramref name="usedPercent"/> % of the error budget of an
    /// availability target of <paramref name="targetPercent"/> (<see cref="Availability.ErrorBudgetUsed"/>).
    /// </summary>
    /// <param name="report">The report or window.</param>
    /// <param name="targetPercent">The availability target, e.g. 99.9; more than 0, less than 100.</param>
    /// <param name="usedPercent">The most of its budget that may be used, in percent (0 or more).</param>
    /// <returns>The verdict.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public static TrafficVerdict UsedErrorBudgetAtMost(TrafficReport report, double targetPercent, double usedPercent)
    {
        ArgumentNullException.ThrowIfNull(report);
        var availability = report.Availability;
        var used = availability.ErrorBudgetUsed(targetPercent); // checks the target
        if (!(usedPercent >= 0) || double.IsInfinity(usedPercent))
        {
            throw new ArgumentOutOfRangeException(nameof(usedPercent), usedPercent, $"{nameof(usedPercent)}: the share of the budget is 0 or more (percent), was {usedPercent.ToString(CultureInfo.InvariantCulture)}.");
        }

        var expectation = $"at most {Number(usedPercent)} % of the error budget of a {Percent(targetPercent)} target used";
        if (availability.Due > 0 && used <= usedPercent)
        {
            return TrafficVerdict.Pass(expectation);
        }

        if (availability.Due <= 0)
        {
            return TrafficVerdict.Fail(expectation, $"no packet was due: no connection had echoed{Where(report)}");
        }

        var allowed = availability.Due * (100 - targetPercent) / 100;
        return TrafficVerdict.Fail(expectation,
            $"{Number(used)} % was: {Packets(availability.Unanswered)} of {Packets(availability.Due)} due packets unanswered in time, " +
            $"{Packets(allowed)} allowed{Cause(report, report.Period)}{Where(report)}");
    }

    /// <summary>
    /// The disruption <paramref name="disruption"/> — or, on a disruption's window, that disruption —
    /// touched traffic (<see cref="DisruptionEffect.TouchedTraffic"/>): a fault that no traffic crossed
    /// proves nothing about the system, so a test that checks "nothing was lost" should also check this.
    /// </summary>
    /// <param name="report">The report or window.</param>
    /// <param name="disruption">The disruption's name (<c>"kill backend-2#2"</c> for one of several); <see langword="null"/> on its window.</param>
    /// <returns>The verdict.</returns>
    /// <exception cref="ArgumentException">No disruption has the name, or the report is not a disruption's window and no name is given.</exception>
    public static TrafficVerdict HitTraffic(TrafficReport report, string? disruption = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var effect = Effect(report, disruption);
        return TrafficVerdict.Of(effect.TouchedTraffic, $"'{effect.Name}' to touch traffic", () => $"{Untouched(effect)}{Where(effect.Window)}");
    }

    /// <summary>Every disruption that began in the report or window touched traffic; fails on none.</summary>
    /// <param name="report">The report or window.</param>
    /// <returns>The verdict.</returns>
    public static TrafficVerdict EveryDisruptionHitTraffic(TrafficReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        const string expectation = "every disruption to touch traffic";
        var effects = report.Disruptions;
        if (effects.Count == 0)
        {
            return TrafficVerdict.Fail(expectation, $"there was no disruption{Where(report)}");
        }

        var missed = effects.Where(e => !e.TouchedTraffic).ToList();
        return TrafficVerdict.Of(missed.Count == 0, expectation,
            () => $"{missed.Count} of {effects.Count} did not: {string.Join("; ", missed.Select(e => $"'{e.Name}' {Untouched(e)}"))}{Where(report)}");
    }

    private static string Untouched(DisruptionEffect effect) => effect.Contact is { } contact
        ? $"no traffic crossed it on {contact.Source}"
        : "touched no traffic: no connection was lost or interrupted and no packet lost in its window";

    private static DisruptionEffect Effect(TrafficReport report, string? name)
    {
        if (name is null)
        {
            var mark = report.Mark ?? throw new ArgumentException("name the disruption: this report is not the window of one (take it with report.Window(name), or pass the name)", nameof(name));
            return report.Disruptions.FirstOrDefault(e => e.Mark == mark)
                ?? throw new ArgumentException($"'{report.Name}' is a plain mark, not a disruption: only disruptions (traffic.Disruption, and what servers, balancers and faults mark) have an effect", nameof(name));
        }

        var window = report.Window(name);
        return window.Disruptions.FirstOrDefault(e => e.Mark == window.Mark)
            ?? throw new ArgumentException($"'{name}' is a plain mark, not a disruption: only disruptions (traffic.Disruption, and what servers, balancers and faults mark) have an effect", nameof(name));
    }

    /// <summary>What the traffic saw in <paramref name="span"/>: nothing through, or the longest outage, and the hosts of the connections in outages.</summary>
    private static string Cause(TrafficReport report, TimeWindow span)
    {
        var part = span == report.Period ? report : report.Between(span.Start, span.End);
        var parts = new List<string>();
        if (part.RunOutages.Count > 0)
        {
            var run = part.RunOutages.MaxBy(w => w.Duration);
            parts.Add($"nothing got through for {S(run.Duration)} from {report.DescribeTime(run.Start)}");
        }
        else if (part.Outages.Count > 0)
        {
            var longest = part.Outages.MaxBy(o => o.Duration)!;
            parts.Add($"the longest outage {S(longest.Duration)} on connection {longest.Connection} from {report.DescribeTime(longest.Start)}");
        }

        var hosts = part.Outages.GroupBy(report.HostOf, StringComparer.Ordinal)
            .Select(g => (Host: g.Key, Connections: g.Select(o => o.Connection).Distinct().Count()))
            .OrderByDescending(h => h.Connections).ThenBy(h => h.Host, StringComparer.Ordinal).ToList();
        if (hosts.Count > 0)
        {
            parts.Add("connections in outages on " + string.Join(", ", hosts.Select(h => $"{h.Host} ({h.Connections})")));
        }

        if (part.PacketsLost > 0)
        {
            parts.Add($"{part.PacketsLost} packets lost");
        }

        return parts.Count == 0 ? "" : ": " + string.Join(", ", parts);
    }

    private static string Reports(Availability a) => a.ToString();

    /// <summary>A count of packets as <see cref="Availability.ToString"/> writes it: whole packets, or one decimal below 10.</summary>
    private static string Packets(double packets) => packets.ToString(packets < 10 ? "0.#" : "0", CultureInfo.InvariantCulture);

    private static void CheckPercent(double percent, string name)
    {
        if (percent is not (> 0 and <= 100))
        {
            throw new ArgumentOutOfRangeException(name, percent, $"{name}: an availability is more than 0 and at most 100 (percent), was {percent.ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    private static string Percent(double percent) => Number(percent) + " %";

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
