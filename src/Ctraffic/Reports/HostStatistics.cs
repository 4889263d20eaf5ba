using Ctraffic.Statistics;

namespace Ctraffic.Reports;

/// <summary>
/// What the connections served by one server host saw (the host name comes from the server's first
/// reply). Every connection that connected is under a host: one that got no reply at all is under
/// <see cref="NoReply"/>, so the hosts' counts add up to the window's.
/// </summary>
/// <param name="Host">The host name the server sent, or <see cref="NoReply"/>.</param>
/// <param name="Connections">Connections served by the host that overlap the window.</param>
/// <param name="Lost">Of those, connections that ended with an error in the window.</param>
/// <param name="Sent">Packets sent on those connections (over their whole life).</param>
/// <param name="Received">Echoes received on those connections (over their whole life).</param>
public sealed record HostStatistics(string Host, int Connections, int Lost, long Sent, long Received)
{
    /// <summary>
    /// The host of connections that never got a reply, so never learnt their server's name: e.g. a
    /// connection that a balancer accepted and then closed, or one cut before its first echo.
    /// </summary>
    public const string NoReply = "(no reply)";

    /// <summary>Hosts whose round trips are kept (<see cref="Rtt"/>); further hosts have none.</summary>
    public const int MaximumHostsWithRtt = Internal.HostRoundTrips.MaxHosts;

    /// <summary>Connections that did not end with an error.</summary>
    public int Lasting => Connections - Lost;

    /// <summary>
    /// Round-trip times of the host's packets sent in the window (kept per second: a window takes
    /// every second it overlaps); <see langword="null"/> where they were not kept (the command's runs,
    /// <see cref="NoReply"/>, hosts past <see cref="MaximumHostsWithRtt"/>).
    /// </summary>
    public RttStatistics? Rtt { get; init; }

    /// <summary>Outages of the host's connections (the one open when the outage began) that overlap the window.</summary>
    public IReadOnlyList<Outage> Outages { get; init; } = [];

    /// <summary>The longest of <see cref="Outages"/>; zero if there were none.</summary>
    public TimeSpan LongestOutage => Outages.Count == 0 ? TimeSpan.Zero : Outages.Max(o => o.Duration);

    /// <summary>The host's connections lost in the window by how they ended, most first.</summary>
    public IReadOnlyList<KeyValuePair<ConnectionEndKind, int>> LostByKind { get; init; } = [];

    /// <summary>The hosts of <paramref name="report"/>'s window.</summary>
    internal static IReadOnlyList<HostStatistics> Of(TrafficReport report, ReportData data)
    {
        var window = report.Period;
        var slots = data.Statistics.ConnStats;
        var byLane = slots.ToLookup(c => c.Connection);
        var outages = data.Outages.Where(o => window.Overlaps(o.Start, o.End)).ToLookup(o => HostOf(byLane, o));
        var (first, last) = ((long)window.Start.TotalSeconds, (long)Math.Min(window.End.TotalSeconds, data.End.TotalSeconds));
        return [.. slots
            .Where(c => c.Connected is { } connected && connected <= window.End && c.Ended >= window.Start)
            .GroupBy(HostOf, StringComparer.Ordinal)
            .OrderBy(g => g.Key == NoReply ? 1 : 0).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var lost = g.Where(c => c.Failed && report.Includes(c.Ended)).ToList();
                return new HostStatistics(g.Key, g.Count(), lost.Count, g.Sum(c => c.Sent), g.Sum(c => c.Received))
                {
                    Rtt = g.Key == NoReply || data.HostRtt?.Merge(g.Key, first, last) is not { } h ? null : new RttStatistics(h),
                    Outages = [.. outages[g.Key].OrderBy(o => o.Start)],
                    LostByKind = ConnectionEnds.CountByKind(lost),
                };
            })];
    }

    /// <summary>
    /// The host of <paramref name="outage"/>: of the connection of its lane open when it began, or, if
    /// none was (the connection had ended before the echo it missed was due), of the lane's last
    /// connection before it that had an echo — the one whose silence it is.
    /// </summary>
    internal static string HostOf(ILookup<int, ConnectionStats> byLane, Outage outage)
    {
        var slots = byLane[outage.Connection];
        return HostOf(slots.LastOrDefault(c => c.Started <= outage.Start && (c.Ended >= outage.Start || c.EndKind == ConnectionEndKind.Open))
            ?? slots.LastOrDefault(c => c.Started <= outage.Start && c.Received > 0));
    }

    /// <summary>The host of a connection slot: its server's name, or <see cref="NoReply"/>.</summary>
    internal static string HostOf(ConnectionStats? c) => c is null || c.Host.Length == 0 ? NoReply : c.Host;
}
