using Ctraffic.Reports;
using Ctraffic.Testing.Assertions;
using FluentAssertions;
using FluentAssertions.Execution;

namespace Ctraffic.Testing;

/// <summary>
/// Per-host assertions for fail-over tests, on a report or a window of it:
/// <c>window.Should().HaveLostConnectionsOnlyOn("backend-2")</c>. Their messages say which hosts
/// and how many: <c>expected connections on backend-2 only to be lost, but 3 of 15 lost were on backend-1</c>.
/// </summary>
public static class HostAssertionExtensions
{
    /// <summary>Connections were lost, and only on <paramref name="hosts"/>: nothing lost on the others.</summary>
    /// <param name="assertions">The report's assertions.</param>
    /// <param name="hosts">The hosts allowed to lose connections.</param>
    /// <returns>The assertions, to chain with <c>.And</c>.</returns>
    public static AndConstraint<TrafficReportAssertions> HaveLostConnectionsOnlyOn(this TrafficReportAssertions assertions, params string[] hosts)
    {
        var changes = Changes(assertions, hosts);
        var elsewhere = changes.Lost.Where(l => !hosts.Contains(l.Key)).ToList();
        var outside = elsewhere.Sum(l => l.Value);
        Fail(changes.LostCount > 0 && outside == 0, $"connections on {List(hosts)} only to be lost", changes, () => changes.LostCount == 0
            ? "none were lost"
            : $"{outside} of {changes.LostCount} lost were on {string.Join(", ", elsewhere.Select(l => elsewhere.Count == 1 ? l.Key : $"{l.Key} ({l.Value})"))}");
        return new AndConstraint<TrafficReportAssertions>(assertions);
    }

    /// <summary>Every connection open on <paramref name="host"/> when the window started was lost in it.</summary>
    /// <param name="assertions">The report's assertions.</param>
    /// <param name="host">The host.</param>
    /// <returns>The assertions, to chain with <c>.And</c>.</returns>
    public static AndConstraint<TrafficReportAssertions> HaveLostEveryConnectionOn(this TrafficReportAssertions assertions, string host)
    {
        var changes = Changes(assertions, [host]);
        var open = changes.AtStart.FirstOrDefault(h => h.Host == host);
        Fail(open is { Connections: > 0 } && open.Lasting == 0, $"every connection on {host} to be lost", changes, () => open is null or { Connections: 0 }
            ? $"none was open on it when the window began"
            : $"{open.Lasting} of the {open.Connections} open on it when the window began lasted");
        return new AndConstraint<TrafficReportAssertions>(assertions);
    }

    /// <summary>Every connection lost in the window came back on one of <paramref name="hosts"/>.</summary>
    /// <param name="assertions">The report's assertions.</param>
    /// <param name="hosts">The hosts the lost connections may reconnect to.</param>
    /// <returns>The assertions, to chain with <c>.And</c>.</returns>
    public static AndConstraint<TrafficReportAssertions> HaveReconnectedOnlyTo(this TrafficReportAssertions assertions, params string[] hosts)
    {
        var changes = Changes(assertions, hosts);
        var wrong = changes.Moves.Where(m => !hosts.Contains(m.To)).GroupBy(m => m.To).Select(g => (To: g.Key, Count: g.Sum(m => m.Connections))).ToList();
        Fail(wrong.Count == 0, $"the lost connections to reconnect to {List(hosts)}", changes, () =>
            $"{wrong.Sum(w => w.Count)} of the {changes.LostCount} lost did not: " +
            string.Join(", ", wrong.Select(w => w.To == HostChanges.NoHost ? $"{w.Count} never got a reply again" : $"{w.Count} reconnected to {w.To}")));
        return new AndConstraint<TrafficReportAssertions>(assertions);
    }

    /// <summary>When the window ended, every connection was on a host that <paramref name="host"/> accepts (e.g. a new version).</summary>
    /// <param name="assertions">The report's assertions.</param>
    /// <param name="host">Whether a host name is allowed.</param>
    /// <param name="description">What the allowed hosts are, for the message (e.g. <c>a new backend</c>).</param>
    /// <returns>The assertions, to chain with <c>.And</c>.</returns>
    public static AndConstraint<TrafficReportAssertions> HaveEndedOnlyOn(this TrafficReportAssertions assertions, Func<string, bool> host, string description)
    {
        ArgumentNullException.ThrowIfNull(host);
        var changes = Changes(assertions, [description]);
        var wrong = changes.AtEnd.Where(h => !host(h.Host)).ToList();
        var total = changes.AtEnd.Sum(h => h.Connections);
        Fail(total > 0 && wrong.Count == 0, $"every connection to end on {description}", changes, () => total == 0
            ? "no connection was open at the end"
            : $"{wrong.Sum(h => h.Connections)} of {total} ended on {string.Join(", ", wrong.Select(h => $"{h.Host} ({h.Connections})"))}");
        return new AndConstraint<TrafficReportAssertions>(assertions);
    }

    private static HostChanges Changes(TrafficReportAssertions assertions, string[] hosts)
    {
        ArgumentNullException.ThrowIfNull(assertions);
        ArgumentNullException.ThrowIfNull(hosts);
        if (hosts.Length == 0 || hosts.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("name one host at least, none empty", nameof(hosts));
        }

        return HostChanges.Of(assertions.Subject);
    }

    private static string List(string[] hosts) => hosts.Length == 1 ? hosts[0] : string.Join(", ", hosts[..^1]) + " or " + hosts[^1];

    private static void Fail(bool condition, string expectation, HostChanges changes, Func<string> actual)
    {
        if (condition)
        {
            return;
        }

        var where = changes.Window.Name is null ? "" : $" (in {changes.Window.Description}, {changes.Window.Period} into the run)";
        // The texts go in as the message itself: braces in them are not placeholders.
        Execute.Assertion.FailWith(Escape($"Expected {expectation}, but {actual()}{where}."));
    }

    private static string Escape(string text) => text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);
}
