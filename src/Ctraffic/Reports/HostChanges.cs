using Ctraffic.Statistics;

namespace Ctraffic.Reports;

/// <summary>
/// Per host, what a window of a run did to the connections — what a fail-over test asks: where
/// the connections were when it started and when it ended, which hosts lost connections, and
/// where the lost ones came back. Taken with <see cref="Of"/>: <c>HostChanges.Of(report.Window("kill backend-2"))</c>.
/// </summary>
public sealed class HostChanges
{
    /// <summary>
    /// The host name of connections that never got a reply (so never learnt their server's name),
    /// and where a lost connection came back when it did not come back: <see cref="HostStatistics.NoReply"/>.
    /// </summary>
    public const string NoHost = HostStatistics.NoReply;

    private HostChanges(TrafficReport window)
    {
        Window = window;
        var period = window.Period;
        var slots = window.Statistics.ConnStats;
        AtStart = PerHost(slots.Where(c => OpenAt(c, period.Start)), period);
        // Where each connection was at the end: its last slot that had connected by then.
        AtEnd = PerHost(slots.Where(c => c.Connected <= period.End).GroupBy(c => c.Connection).Select(g => g.MaxBy(c => c.Started)!).Where(c => !c.Failed || c.Ended >= period.End), period);
        var lost = slots.Where(c => c.Failed && period.Contains(c.Ended)).ToList();
        Lost = [.. lost.GroupBy(c => HostOf(c), StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new KeyValuePair<string, int>(g.Key, g.Count()))];
        var next = slots.ToLookup(c => c.Connection);
        Moves = [.. lost
            .Select(c => (From: HostOf(c), To: next[c.Connection].Where(n => n.Started >= c.Ended && n != c).MinBy(n => n.Started) is { } n ? HostOf(n) : NoHost))
            .GroupBy(m => m)
            .OrderBy(g => g.Key.From, StringComparer.Ordinal).ThenBy(g => g.Key.To, StringComparer.Ordinal)
            .Select(g => new HostMove(g.Key.From, g.Key.To, g.Count()))];
    }

    /// <summary>The window these changes are of.</summary>
    public TrafficReport Window { get; }

    /// <summary>Per host, the connections open when the window started (packets: the whole of those connections).</summary>
    public IReadOnlyList<HostStatistics> AtStart { get; }

    /// <summary>Per host, the connections open when the window ended, or at the end of the run if it ended with the run (packets: the whole of those connections).</summary>
    public IReadOnlyList<HostStatistics> AtEnd { get; }

    /// <summary>Per host, the connections lost in the window (most first).</summary>
    public IReadOnlyList<KeyValuePair<string, int>> Lost { get; }

    /// <summary>The number of connections lost in the window.</summary>
    public int LostCount => Lost.Sum(l => l.Value);

    /// <summary>The hosts that lost connections in the window.</summary>
    public IReadOnlyList<string> HostsThatLost => [.. Lost.Select(l => l.Key)];

    /// <summary>Where the connections lost in the window came back: per host they were lost on and host they reconnected to.</summary>
    public IReadOnlyList<HostMove> Moves { get; }

    /// <summary>The changes of <paramref name="window"/> (a window of a report, or a whole run).</summary>
    /// <param name="window">The report or window.</param>
    /// <returns>Its per-host changes.</returns>
    public static HostChanges Of(TrafficReport window)
    {
        ArgumentNullException.ThrowIfNull(window);
        return new HostChanges(window);
    }

    /// <summary>The connections open on <paramref name="host"/> when the window started (0 if none).</summary>
    /// <param name="host">A host name.</param>
    /// <returns>The count.</returns>
    public int OpenAtStartOn(string host) => AtStart.FirstOrDefault(h => h.Host == host)?.Connections ?? 0;

    /// <summary>The connections open on <paramref name="host"/> when the window ended (0 if none).</summary>
    /// <param name="host">A host name.</param>
    /// <returns>The count.</returns>
    public int OpenAtEndOn(string host) => AtEnd.FirstOrDefault(h => h.Host == host)?.Connections ?? 0;

    /// <summary>The connections lost on <paramref name="host"/> in the window (0 if none).</summary>
    /// <param name="host">A host name.</param>
    /// <returns>The count.</returns>
    public int LostOn(string host) => Lost.FirstOrDefault(l => l.Key == host).Value;

    /// <inheritdoc/>
    public override string ToString()
        => $"at start {Describe(AtStart)}; lost {(Lost.Count == 0 ? "none" : string.Join(", ", Lost.Select(l => $"{l.Value} on {l.Key}")))}; " +
           $"moved {(Moves.Count == 0 ? "none" : string.Join(", ", Moves))}; at end {Describe(AtEnd)}";

    internal static string HostOf(ConnectionStats c) => HostStatistics.HostOf(c);

    private static string Describe(IReadOnlyList<HostStatistics> hosts)
        => hosts.Count == 0 ? "none" : string.Join(", ", hosts.Select(h => $"{h.Host} {h.Connections}"));

    private static bool OpenAt(ConnectionStats c, TimeSpan time) => c.Connected is { } connected && connected <= time && c.Ended >= time;

    private static List<HostStatistics> PerHost(IEnumerable<ConnectionStats> open, TimeWindow period)
        => [.. open.GroupBy(c => HostOf(c), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new HostStatistics(g.Key, g.Count(), g.Count(c => c.Failed && period.Contains(c.Ended)), g.Sum(c => c.Sent), g.Sum(c => c.Received)))];
}
