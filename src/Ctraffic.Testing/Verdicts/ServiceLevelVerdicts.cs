using System.Globalization;
using Ctraffic.Reports;

namespace Ctraffic.Testing.Verdicts;

/// <summary>
/// The service-level checks of a report and their messages, free of any assertion library: each
/// returns <see langword="null"/> when the check passes, else what was expected and what was seen,
/// in the words of the other assertions (how much, when from the run's start or the window's mark,
/// on which hosts). The FluentAssertions extensions (<see cref="ServiceLevelAssertionExtensions"/>) fail with them.
/// </summary>
internal static class ServiceLevelVerdicts
{
    public static Verdict? AvailabilityAtLeast(TrafficReport report, double percent)
    {
        CheckPercent(percent, nameof(percent));
        var availability = report.Availability;
        if (availability.Due > 0 && availability.Percent >= percent)
        {
            return null;
        }

        return new Verdict($"availability of at least {Percent(percent)}", availability.Due <= 0
            ? $"no packet was due: no connection had echoed{Where(report)}"
            : $"it was {availability}{Cause(report, report.Period)}{Where(report)}");
    }

    public static Verdict? NoWindowBelow(TrafficReport report, TimeSpan length, double percent)
    {
        CheckPercent(percent, nameof(percent));
        var windows = report.SlidingAvailability(length);
        var expectation = $"no {S(length)} window below {Percent(percent)} availability";
        if (windows.Count == 0 || windows.All(w => w.Availability.Due <= 0))
        {
            return new Verdict(expectation, $"no packet was due: no connection had echoed{Where(report)}");
        }

        var below = windows.Where(w => w.Availability.Due > 0 && w.Availability.Percent < percent).ToList();
        if (below.Count == 0)
        {
            return null;
        }

        var worst = below.MinBy(w => w.Availability.Percent);
        var first = below[0];
        var last = below[^1];
        return new Verdict(expectation,
            $"{below.Count} of {windows.Count} windows were, from {report.DescribeTime(first.Window.Start)} to {report.DescribeTime(last.Window.End)}; " +
            $"the worst {Reports(worst.Availability)} from {report.DescribeTime(worst.Window.Start)} to {report.DescribeTime(worst.Window.End)}" +
            $"{Cause(report, worst.Window)}{Where(report)}");
    }

    public static Verdict? ErrorBudgetUsedAtMost(TrafficReport report, double targetPercent, double usedPercent)
    {
        var availability = report.Availability;
        var used = availability.ErrorBudgetUsed(targetPercent); // checks the target
        if (!(usedPercent >= 0) || double.IsInfinity(usedPercent))
        {
            throw new ArgumentOutOfRangeException(nameof(usedPercent), usedPercent, $"{nameof(usedPercent)}: the share of the budget is 0 or more (percent), was {usedPercent.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (availability.Due > 0 && used <= usedPercent)
        {
            return null;
        }

        var expectation = $"at most {Number(usedPercent)} % of the error budget of a {Percent(targetPercent)} target used";
        if (availability.Due <= 0)
        {
            return new Verdict(expectation, $"no packet was due: no connection had echoed{Where(report)}");
        }

        var allowed = availability.Due * (100 - targetPercent) / 100;
        return new Verdict(expectation,
            $"{Number(used)} % was: {Packets(availability.Unanswered)} of {Packets(availability.Due)} due packets unanswered in time, " +
            $"{Packets(allowed)} allowed{Cause(report, report.Period)}{Where(report)}");
    }

    /// <summary>The disruption <paramref name="name"/> (the window's own if <see langword="null"/>) touched traffic.</summary>
    public static Verdict? HitTraffic(TrafficReport report, string? name)
    {
        var effect = Effect(report, name);
        return effect.TouchedTraffic ? null : new Verdict($"'{effect.Name}' to touch traffic", $"{Untouched(effect)}{Where(effect.Window)}");
    }

    public static Verdict? EveryDisruptionHitTraffic(TrafficReport report)
    {
        var effects = report.Disruptions;
        if (effects.Count == 0)
        {
            return new Verdict("every disruption to touch traffic", $"there was no disruption{Where(report)}");
        }

        var missed = effects.Where(e => !e.TouchedTraffic).ToList();
        return missed.Count == 0 ? null : new Verdict("every disruption to touch traffic",
            $"{missed.Count} of {effects.Count} did not: {string.Join("; ", missed.Select(e => $"'{e.Name}' {Untouched(e)}"))}{Where(report)}");
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

    private static string Where(TrafficReport report) => report.Name is null ? "" : $" (in {report.Description}, {report.Period} into the run)";

    private static string Percent(double percent) => Number(percent) + " %";

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string S(TimeSpan t) => t.TotalSeconds.ToString("0.0##", CultureInfo.InvariantCulture) + " s";
}

/// <summary>A failed check: what was expected, and what was seen instead.</summary>
/// <param name="Expectation">What the check expected, e.g. <c>availability of at least 99.9 %</c>.</param>
/// <param name="Actual">What was seen, e.g. <c>it was 94.18 % (...)</c>.</param>
internal sealed record Verdict(string Expectation, string Actual)
{
    /// <summary>The message: <c>Expected availability of at least 99.9 %, but it was 94.18 % (...).</c></summary>
    public override string ToString() => $"Expected {Expectation}, but {Actual}.";
}
