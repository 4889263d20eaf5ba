using System.Text;

namespace Ctraffic.Reports;

/// <summary>
/// What one disruption of a run did (<see cref="TrafficReport.Disruptions"/>): the connections it
/// cut or interrupted and where, the packets lost, the outages it caused and how long the traffic
/// took to recover — and, where the thing that made it counts that (a fault proxy), what crossed it.
/// A disruption that touched nothing says so (<see cref="TouchedTraffic"/>): a fault on a proxy no
/// traffic went through proves nothing.
/// </summary>
public sealed class DisruptionEffect
{
    internal DisruptionEffect(string name, Mark mark, TrafficReport window, IReadOnlyList<Outage> caused, IReadOnlyList<DisruptionHost> hosts, TimeSpan? timeToRecover, DisruptionContact? contact)
    {
        Name = name;
        Mark = mark;
        Window = window;
        Outages = caused;
        Hosts = hosts;
        TimeToRecover = timeToRecover;
        Contact = contact;
    }

    /// <summary>
    /// The name its window is taken by: the mark's name, with <c>#N</c> for the Nth of a name marked
    /// more than once (<c>kill backend-2#2</c>), as <see cref="TrafficReport.Window(string)"/> takes it.
    /// </summary>
    public string Name { get; }

    /// <summary>The disruption's mark: its start, and its end (<see langword="null"/> while it goes on).</summary>
    public Mark Mark { get; }

    /// <summary>Its window (<see cref="TrafficReport.Window(string)"/>): from its start to the next mark after its end, or the end of the run.</summary>
    public TrafficReport Window { get; }

    /// <summary>Connections lost in its window.</summary>
    public int LostConnections => Window.LostConnections.Count;

    /// <summary>
    /// Connections with an outage it caused: one that overlaps the disruption, or begins within two
    /// packet intervals of its end (as <see cref="TrafficReport.TimeToRecoverAfter"/> counts them).
    /// </summary>
    public int InterruptedConnections => Outages.Select(o => o.Connection).Distinct().Count();

    /// <summary>Packets sent in its window and lost (<see cref="TrafficReport.PacketsLost"/>).</summary>
    public long PacketsLost => Window.PacketsLost;

    /// <summary>The availability of its window (<see cref="TrafficReport.Availability"/>).</summary>
    public Availability Availability => Window.Availability;

    /// <summary>The outages it caused, by start time.</summary>
    public IReadOnlyList<Outage> Outages { get; }

    /// <summary>The longest of <see cref="Outages"/>; zero if none.</summary>
    public TimeSpan LongestOutage => Outages.Count == 0 ? TimeSpan.Zero : Outages.Max(o => o.Duration);

    /// <summary>
    /// How long after its end every connection echoed again (<see cref="TrafficReport.TimeToRecoverAfter"/>):
    /// zero if none was still down; <see langword="null"/> if one has not echoed again, or it has not ended.
    /// </summary>
    public TimeSpan? TimeToRecover { get; }

    /// <summary>Per host that lost connections or had outages it caused, most lost first.</summary>
    public IReadOnlyList<DisruptionHost> Hosts { get; }

    /// <summary>What crossed it, as the thing that made it counted (a fault proxy's fault); <see langword="null"/> if that thing does not count.</summary>
    public DisruptionContact? Contact { get; }

    /// <summary>
    /// Whether it touched traffic: traffic crossed it, as its <see cref="Contact"/> counted, or — where
    /// nothing counted — the traffic shows it: a connection lost or interrupted, or a packet lost.
    /// </summary>
    public bool TouchedTraffic => Contact?.Touched ?? (LostConnections > 0 || InterruptedConnections > 0 || PacketsLost > 0);

    /// <summary>
    /// One sentence: <c>'kill backend-1' (1.2 s–1.7 s): 10 connections lost (backend-1 10), 10 interrupted,
    /// 10 packets lost, longest outage 0.52 s, recovered 0.05 s after its end</c>, or <c>'latency 200ms' on proxy-1: no traffic crossed it</c>.
    /// </summary>
    /// <returns>The sentence.</returns>
    public override string ToString()
    {
        var text = new StringBuilder($"'{Name}'");
        if (Contact is { Touched: false } untouched)
        {
            return text.Append(" on ").Append(untouched.Source).Append(": no traffic crossed it").ToString();
        }

        text.Append(" (").Append(TimeWindow.Seconds(Mark.Time)).Append(Mark.End is { } end ? $"–{TimeWindow.Seconds(end)}" : ", not ended").Append("): ");
        if (Contact is { } contact)
        {
            text.Append(Count(contact.Packets, "packet")).Append(" on ").Append(Count(contact.Connections, "connection")).Append(" crossed it on ").Append(contact.Source).Append("; ");
        }

        if (LostConnections == 0 && InterruptedConnections == 0 && PacketsLost == 0)
        {
            return text.Append(Contact is null ? "touched no traffic (no connection lost or interrupted, no packet lost)" : "no connection lost or interrupted, no packet lost").ToString();
        }

        text.Append(Count(LostConnections, "connection")).Append(" lost");
        var lostOn = Hosts.Where(h => h.LostConnections > 0).ToList();
        if (lostOn.Count > 0)
        {
            text.Append(" (").AppendJoin(", ", lostOn.Select(h => $"{h.Host} {h.LostConnections}")).Append(')');
        }

        text.Append(", ").Append(InterruptedConnections).Append(" interrupted");
        if (PacketsLost > 0)
        {
            text.Append(", ").Append(Count(PacketsLost, "packet")).Append(" lost");
        }

        if (Outages.Count > 0)
        {
            text.Append(", longest outage ").Append(TimeWindow.Seconds(LongestOutage));
        }

        text.Append(TimeToRecover is { } t ? $", recovered {TimeWindow.Seconds(t)} after its end" : Mark.End is null ? ", still going on" : ", not recovered");
        return text.ToString();
    }

    private static string Count(long n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";
}
