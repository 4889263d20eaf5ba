using Ctraffic.Reports;

namespace Ctraffic.Testing.Verdicts;

/// <summary>
/// The per-host checks of fail-over tests, on a report or a window of it (<see cref="HostChanges"/>).
/// Their messages say which hosts and how many: <c>Expected connections on backend-2 only to be
/// lost, but 3 of 15 lost were on backend-1</c>.
/// </summary>
public static partial class TrafficVerdicts
{
    /// <summary>Connections were lost, and only on <paramref name="hosts"/>: nothing lost on the others.</summary>
    /// <param name="report">The report or window.</param>
    /// <param name="hosts">The hosts allowed to lose connections; one at least, none empty.</param>
    /// <returns>The verdict.</returns>
    /// <exception cref="ArgumentException">No host is named, or one is empty.</exception>
    public static TrafficVerdict LostConnectionsOnlyOn(TrafficReport report, params string[] hosts)
    {
        var changes = Changes(report, hosts);
        var elsewhere = changes.Lost.Where(l => !hosts.Contains(l.Key)).ToList();
        var outside = elsewhere.Sum(l => l.Value);
        return OfHosts(changes.LostCount > 0 && outside == 0, $"connections on {List(hosts)} only to be lost", changes, () => changes.LostCount == 0
            ? "none were lost"
            : $"{outside} of {changes.LostCount} lost were on {string.Join(", ", elsewhere.Select(l => elsewhere.Count == 1 ? l.Key : $"{l.Key} ({l.Value})"))}");
    }

    /// <summary>Every connection open on <paramref name="host"/> when the window started was lost in it.</summary>
    /// <param name="report">The report or window.</param>
    /// <param name="host">The host.</param>
    /// <returns>The verdict.</returns>
    /// <exception cref="ArgumentException"><paramref name="host"/> is empty.</exception>
    public static TrafficVerdict LostEveryConnectionOn(TrafficReport report, string host)
    {
        var changes = Changes(report, [host]);
        var open = changes.AtStart.FirstOrDefault(h => h.Host == host);
        return OfHosts(open is { Connections: > 0 } && open.Lasting == 0, $"every connection on {host} to be lost", changes, () => open is null or { Connections: 0 }
            ? "none was open on it when the window began"
            : $"{open.Lasting} of the {open.Connections} open on it when the window began lasted");
    }

    /// <summary>Every connection lost in the window came back on one of <paramref name="hosts"/>.</summary>
    /// <param name="report">The report or window.</param>
    /// <param name="hosts">The hosts the lost connections may reconnect to; one at least, none empty.</param>
    /// <returns>The verdict.</returns>
    /// <exception cref="ArgumentException">No host is named, or one is empty.</exception>
    public static TrafficVerdict ReconnectedOnlyTo(TrafficReport report, params string[] hosts)
    {
        var changes = Changes(report, hosts);
        var wrong = changes.Moves.Where(m => !hosts.Contains(m.To)).GroupBy(m => m.To).Select(g => (To: g.Key, Count: g.Sum(m => m.Connections))).ToList();
        return OfHosts(wrong.Count == 0, $"the lost connections to reconnect to {List(hosts)}", changes, () =>
            $"{wrong.Sum(w => w.Count)} of the {changes.LostCount} lost did not: " +
            string.Join(", ", wrong.Select(w => w.To == HostChanges.NoHost ? $"{w.Count} never got a reply again" : $"{w.Count} reconnected to {w.To}")));
    }

    /// <summary>When the window ended, every connection was on a host that <paramref name="host"/> accepts (e.g. a new version).</summary>
    /// <param name="report">The report or window.</param>
    /// <param name="host">Whether a host name is allowed.</param>
    /// <param name="description">What the allowed hosts are, for the message (e.g. <c>a new backend</c>).</param>
    /// <returns>The verdict.</returns>
    /// <exception cref="ArgumentException"><paramref name="description"/> is empty.</exception>
    public static TrafficVerdict EndedOnlyOn(TrafficReport report, Func<string, bool> host, string description)
    {
        ArgumentNullException.ThrowIfNull(host);
        var changes = Changes(report, [description]);
        var wrong = changes.AtEnd.Where(h => !host(h.Host)).ToList();
        var total = changes.AtEnd.Sum(h => h.Connections);
        return OfHosts(total > 0 && wrong.Count == 0, $"every connection to end on {description}", changes, () => total == 0
            ? "no connection was open at the end"
            : $"{wrong.Sum(h => h.Connections)} of {total} ended on {string.Join(", ", wrong.Select(h => $"{h.Host} ({h.Connections})"))}");
    }

    private static HostChanges Changes(TrafficReport report, string[] hosts)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(hosts);
        if (hosts.Length == 0 || hosts.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("name one host at least, none empty", nameof(hosts));
        }

        return HostChanges.Of(report);
    }

    private static string List(string[] hosts) => hosts.Length == 1 ? hosts[0] : string.Join(", ", hosts[..^1]) + " or " + hosts[^1];

    /// <summary>A host verdict: its window is that of the host changes (where the report is a named window).</summary>
    private static TrafficVerdict OfHosts(bool passed, string expectation, HostChanges changes, Func<string> actual)
        => TrafficVerdict.Of(passed, expectation, () => actual() + Where(changes.Window));
}
