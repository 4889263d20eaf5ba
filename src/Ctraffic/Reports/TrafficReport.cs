using Ctraffic.Internal;
using Ctraffic.Statistics;

namespace Ctraffic.Reports;

/// <summary>
/// The statistics of a run, or of a window of it, with what the ctraffic JSON has and what it
/// lacks: round-trip times, outages, reconnect times, per-host counts and marks. Take a window
/// with <see cref="Window(string)"/>, <see cref="Before"/>, <see cref="After"/> or
/// <see cref="Between(string, string)"/>: the result is a report of the same kind, so the same assertions apply.
/// </summary>
public sealed class TrafficReport
{
    private readonly ReportData _data;
    private RttStatistics? _rtt;

    internal TrafficReport(ReportData data, TimeWindow window, string? name, RttStatistics? rtt = null)
    {
        // A live run goes on while the report is made: round trips are taken first, and every
        // round trip is counted as received before it is recorded, so Rtt.Count <= Received.
        _rtt = rtt ?? (data.Live ? MergeRtt(data, window) : null);
        _data = data;
        Period = window;
        Name = name;
        var whole = name is null;
        var stats = data.Statistics;
        var inWindow = stats.ConnStats.Where(c => c.Error is not null && window.Contains(c.Ended)).ToList();
        LostConnections = inWindow;
        FailedConnections = whole ? stats.FailedConnections : inWindow.Count;
        if (whole)
        {
            Sent = stats.Sent;
            Received = stats.Received;
            Dropped = stats.Dropped;
            DroppedLocal = stats.DroppedLocal;
            FailedConnects = stats.FailedConnects;
            Retransmits = stats.Retransmits;
        }
        else
        {
            (Sent, Received, Dropped, DroppedLocal) = SumSlices(window);
            FailedConnects = stats.ConnStats.Where(c => window.Contains(c.Started)).Sum(c => c.FailedConnects);
        }

        (var retransmits, Lost) = SumLosses(whole ? new TimeWindow(TimeSpan.Zero, TimeSpan.MaxValue) : window);
        Retransmits = whole ? Math.Max(stats.Retransmits, retransmits) : retransmits;

        Outages = [.. data.Outages.Where(o => window.Overlaps(o.Start, o.End)).OrderBy(o => o.Start)];
        RunOutages = [.. data.RunOutages.Where(o => window.Overlaps(o.Start, o.End))];
        Reconnects = [.. data.Reconnects.Where(r => window.Contains(r.FailedAt))];
        Hosts = [.. stats.ConnStats
            .Where(c => c.Host.Length > 0 && window.Overlaps(c.Started, c.Ended))
            .GroupBy(c => c.Host, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new HostStatistics(g.Key, g.Count(), g.Count(c => c.Error is not null && window.Contains(c.Ended)), g.Sum(c => c.Sent), g.Sum(c => c.Received)))];
    }

    /// <summary>The window name (a mark's name), or <see langword="null"/> for the whole run.</summary>
    public string? Name { get; }

    /// <summary>The span of the run this report covers.</summary>
    public TimeWindow Period { get; }

    /// <summary>The whole run's statistics in the ctraffic model (what the JSON holds).</summary>
    public TrafficStatistics Statistics => _data.Statistics;

    /// <summary>Number of connections asked for.</summary>
    public int Connections => _data.Statistics.Connections;

    /// <summary>The interval between two packets of one connection.</summary>
    public TimeSpan PacketInterval => _data.PacketInterval;

    /// <summary>Packets written.</summary>
    public long Sent { get; }

    /// <summary>Echoes received.</summary>
    public long Received { get; }

    /// <summary>Packets not sent because the sender fell behind its pace.</summary>
    public long Dropped { get; }

    /// <summary>
    /// Of <see cref="Dropped"/>, packets dropped because the sender itself woke a packet interval or
    /// more late: the machine running the traffic was too busy, not the network too slow.
    /// </summary>
    public long DroppedLocal { get; }

    /// <summary>Connections that ended with an error (lost connections).</summary>
    public long FailedConnections { get; }

    /// <summary>Failed connect attempts.</summary>
    public long FailedConnects { get; }

    /// <summary>
    /// TCP retransmits in the window: each connection's <c>tcpi_total_retrans</c> (Linux
    /// <c>TCP_INFO</c>) is sampled every 100 ms and its growth counted in the slice it was seen in,
    /// so a window holds the retransmits made during it (to within 100 ms), also of connections
    /// still open. For the whole run, at least the sum over the connections of the statistics.
    /// </summary>
    public long Retransmits { get; }

    /// <summary>
    /// UDP datagrams lost in the window: no reply by the read time-out, or an ICMP error; counted
    /// when given up (a read time-out after the datagram was sent). Zero for TCP, which does not
    /// lose packets but retransmits them (<see cref="Retransmits"/>).
    /// </summary>
    public long Lost { get; }

    /// <summary>The connections that ended with an error, in order of their slots.</summary>
    public IReadOnlyList<ConnectionStats> LostConnections { get; }

    /// <summary>Packets written on lost connections and never echoed.</summary>
    public long LostInFlight => LostConnections.Sum(c => c.LostInFlight);

    /// <summary>Round-trip times of the echoes in the window (kept per second: a window takes every second it overlaps).</summary>
    public RttStatistics Rtt => _rtt ??= MergeRtt(_data, Period);

    /// <summary>Outages of single connections that overlap the window, by start time.</summary>
    public IReadOnlyList<Outage> Outages { get; }

    /// <summary>The longest of <see cref="Outages"/>; zero if there were none.</summary>
    public TimeSpan LongestOutage => Outages.Count == 0 ? TimeSpan.Zero : Outages.Max(o => o.Duration);

    /// <summary>Spans in which every connection was in an outage at once (nothing got through).</summary>
    public IReadOnlyList<TimeWindow> RunOutages { get; }

    /// <summary>The longest of <see cref="RunOutages"/>; zero if there were none.</summary>
    public TimeSpan LongestRunOutage => RunOutages.Count == 0 ? TimeSpan.Zero : RunOutages.Max(o => o.Duration);

    /// <summary>Failures in the window and how each connection came back.</summary>
    public IReadOnlyList<Reconnect> Reconnects { get; }

    /// <summary>The longest time from a failure to the first echo on the new connection (a connection that never recovered counts to the end of the run); zero without failures.</summary>
    public TimeSpan LongestRecovery => Reconnects.Count == 0
        ? TimeSpan.Zero
        : Reconnects.Max(r => r.TimeToRecover ?? _data.End - r.FailedAt);

    /// <summary>Per server host: connections, lost connections and packets.</summary>
    public IReadOnlyList<HostStatistics> Hosts { get; }

    /// <summary>Packets per 100 ms slice over the window (slices with nothing in them included as zeros).</summary>
    public IReadOnlyList<TimelinePoint> Timeline
    {
        get
        {
            var sliceLength = _data.ToTime(_data.Slices.SliceTicks);
            var first = (int)(Period.Start.Ticks / sliceLength.Ticks);
            var last = (int)Math.Min(_data.Slices.Count - 1, Period.End.Ticks / sliceLength.Ticks);
            var points = new List<TimelinePoint>(Math.Max(0, last - first + 1));
            for (var i = Math.Max(0, first); i <= last; i++)
            {
                var slice = _data.Slices.Get(i);
                points.Add(slice is null
                    ? new TimelinePoint(sliceLength * i, 0, 0, 0)
                    : new TimelinePoint(sliceLength * i, Interlocked.Read(ref slice.Sent), Interlocked.Read(ref slice.Received), Interlocked.Read(ref slice.Dropped)));
            }

            return points;
        }
    }

    /// <summary>The marks of the run.</summary>
    public IReadOnlyList<Mark> Marks => _data.Marks;

    /// <summary>
    /// The window of the mark or disruption named <paramref name="name"/>: from its start until the
    /// next mark that starts after it (after its end, for a disruption: marks made during it, such
    /// as a server's own disruption inside the test's, do not cut it), or the end of the run — so
    /// that what it caused (failures seen later, the recovery) is in it.
    /// </summary>
    /// <exception cref="ArgumentException">No mark has that name.</exception>
    public TrafficReport Window(string name)
    {
        var mark = Find(name);
        var after = mark.End is { } end && end > mark.Time ? end : mark.Time;
        var next = _data.Marks.Where(m => m.Time > mark.Time && m.Time >= after).Select(m => (TimeSpan?)m.Time).Min();
        return new TrafficReport(_data, new TimeWindow(mark.Time, next ?? _data.End), name);
    }

    /// <summary>
    /// How long after the end of the disruption <paramref name="name"/> (its time, for a plain
    /// mark) every connection echoed again: the latest end of an outage that overlaps the
    /// disruption (or starts within two packet intervals of its end, as one that it caused
    /// does), less that end; <see cref="TimeSpan.Zero"/> if every connection echoed
    /// again before it ended; <see langword="null"/> if one has not echoed again (yet).
    /// </summary>
    /// <param name="name">The disruption or mark.</param>
    /// <returns>The time to recover from the end of the disruption, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentException">No mark has that name.</exception>
    public TimeSpan? TimeToRecoverAfter(string name)
    {
        var mark = Find(name);
        var end = mark.End ?? mark.Time;
        var caused = end + (_data.PacketInterval * 2);
        var latest = TimeSpan.Zero;
        foreach (var outage in _data.Outages.Where(o => o.Start <= caused && o.End >= mark.Time))
        {
            if (!outage.Recovered)
            {
                return null;
            }

            latest = outage.End - end > latest ? outage.End - end : latest;
        }

        return latest;
    }

    /// <summary>From the start of the run to the mark named <paramref name="name"/>.</summary>
    public TrafficReport Before(string name) => new(_data, new TimeWindow(TimeSpan.Zero, Find(name).Time), $"before '{name}'");

    /// <summary>From the end of the mark named <paramref name="name"/> (its time, for a plain mark) to the end of the run.</summary>
    public TrafficReport After(string name)
    {
        var mark = Find(name);
        return new TrafficReport(_data, new TimeWindow(mark.End ?? mark.Time, _data.End), $"after '{name}'");
    }

    /// <summary>From the mark <paramref name="from"/> to the mark <paramref name="to"/>.</summary>
    public TrafficReport Between(string from, string to)
        => new(_data, new TimeWindow(Find(from).Time, Find(to).Time), $"'{from}' to '{to}'");

    /// <summary>A window given by times from the start of the run.</summary>
    public TrafficReport Between(TimeSpan from, TimeSpan to)
        => to < from
            ? throw new ArgumentException($"the window ends ({to}) before it starts ({from})", nameof(to))
            : new(_data, new TimeWindow(from, to), $"{TimeWindow.Seconds(from)} to {TimeWindow.Seconds(to)}");

    /// <summary>The ctraffic JSON of the whole run (<c>-stats all</c>), with the added fields <c>Rtt</c>, <c>Outages</c> and <c>Marks</c>.</summary>
    public string ToJson() => ReportJson.Write(this, _data);

    /// <inheritdoc/>
    public override string ToString()
        => $"{(Name is null ? "run" : $"window '{Name}'")} {Period}: sent {Sent}, received {Received}, dropped {Dropped}, " +
           $"failed connections {FailedConnections}, failed connects {FailedConnects}, longest outage {TimeWindow.Seconds(LongestOutage)}, rtt {Rtt}";

    private Mark Find(string name)
        => _data.Marks.FirstOrDefault(m => m.Name == name)
           ?? throw new ArgumentException(
               _data.Marks.Count == 0
                   ? $"no mark named '{name}': the run has no marks"
                   : $"no mark named '{name}'; the marks are {string.Join(", ", _data.Marks.Select(m => $"'{m.Name}'"))}",
               nameof(name));

    private (long Sent, long Received, long Dropped, long DroppedLocal) SumSlices(TimeWindow window)
    {
        long sent = 0, received = 0, dropped = 0, local = 0;
        foreach (var slice in SlicesIn(window))
        {
            sent += Interlocked.Read(ref slice.Sent);
            received += Interlocked.Read(ref slice.Received);
            dropped += Interlocked.Read(ref slice.Dropped);
            local += Interlocked.Read(ref slice.DroppedLocal);
        }

        return (sent, received, dropped, local);
    }

    private (long Retransmits, long Lost) SumLosses(TimeWindow window)
    {
        long retransmits = 0, lost = 0;
        foreach (var slice in SlicesIn(window))
        {
            retransmits += Interlocked.Read(ref slice.Retransmits);
            lost += Interlocked.Read(ref slice.Lost);
        }

        return (retransmits, lost);
    }

    private static RttStatistics MergeRtt(ReportData data, TimeWindow window) => MergeRtt(data.Slices, data.ToTime, window);

    private IEnumerable<Slice> SlicesIn(TimeWindow window) => SlicesIn(_data.Slices, _data.ToTime, window);

    private static IEnumerable<Slice> SlicesIn(SliceLog slices, Func<long, TimeSpan> toTime, TimeWindow window)
    {
        var sliceLength = toTime(slices.SliceTicks);
        var first = (int)(window.Start.Ticks / sliceLength.Ticks);
        var last = (int)Math.Min(slices.Count - 1, window.End.Ticks / sliceLength.Ticks);
        for (var i = Math.Max(0, first); i <= last; i++)
        {
            if (slices.Get(i) is { } slice)
            {
                yield return slice;
            }
        }
    }

    /// <summary>The round trips of <paramref name="window"/>: of every second that overlaps it (they are kept per second).</summary>
    internal static RttStatistics MergeRtt(SliceLog slices, Func<long, TimeSpan> toTime, TimeWindow window)
    {
        var second = toTime(slices.SliceTicks) * SliceLog.SlicesPerRtt;
        var from = TimeSpan.FromTicks(window.Start.Ticks - (window.Start.Ticks % second.Ticks));
        var merged = new LogHistogram();
        foreach (var slice in SlicesIn(slices, toTime, new TimeWindow(from, window.End)))
        {
            if (slice.Rtt is { } h)
            {
                merged.Add(h);
            }
        }

        return new RttStatistics(merged);
    }
}
