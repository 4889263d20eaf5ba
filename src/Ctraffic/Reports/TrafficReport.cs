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
    /// <summary>The longest window <see cref="SlidingAvailability"/> takes: one day.</summary>
    public static readonly TimeSpan MaxSlidingWindow = TimeSpan.FromDays(1);

    private readonly ReportData _data;
    private RttStatistics? _rtt;
    private Availability? _availability;
    private IReadOnlyList<DisruptionEffect>? _disruptions;

    internal TrafficReport(ReportData data, TimeWindow window, string? name, RttStatistics? rtt = null, Mark? mark = null)
    {
        // A live run goes on while the report is made: round trips are taken first, and every
        // round trip is counted as received before it is recorded, so Rtt.Count <= Received.
        _rtt = rtt ?? (data.Live ? MergeRtt(data, window) : null);
        _data = data;
        Period = window;
        Name = name;
        Mark = mark;
        var whole = name is null;
        var stats = data.Statistics;
        var inWindow = stats.ConnStats.Where(c => c.Error is not null && Includes(c.Ended)).ToList();
        LostConnections = inWindow;
        FailedConnections = whole ? stats.FailedConnections : inWindow.Count;
        var sums = SumSlices(whole ? new TimeWindow(TimeSpan.Zero, TimeSpan.MaxValue) : window);
        (InFlight, LostInFlight, Lost) = whole && data.File is { } file ? (file.InFlight, file.LostInFlight, file.Lost) : (sums.InFlight, sums.LostInFlight, sums.Lost);
        var errorStatuses = sums.ErrorStatuses;
        if (whole)
        {
            Sent = stats.Sent;
            Received = stats.Received;
            Dropped = stats.Dropped;
            DroppedLocal = stats.DroppedLocal;
            FailedConnects = stats.FailedConnects;
            Retransmits = Math.Max(stats.Retransmits, sums.Retransmits);
        }
        else
        {
            (Sent, Received, Dropped, DroppedLocal, Retransmits) = (sums.Sent, sums.Received, sums.Dropped, sums.DroppedLocal, sums.Retransmits);
            FailedConnects = stats.ConnStats.Where(c => Includes(c.Started)).Sum(c => c.FailedConnects);
        }

        Requests = stats.Http is null ? null : new RequestOutcomes
        {
            Sent = Sent,
            Succeeded = Received,
            ErrorResponses = Lost,
            Failed = LostInFlight,
            InFlight = InFlight,
            ErrorStatuses = errorStatuses is null ? [] : [.. errorStatuses.OrderByDescending(s => s.Value).ThenBy(s => s.Key, StringComparer.Ordinal)],
        };
        Outages = [.. data.Outages.Where(o => window.Overlaps(o.Start, o.End)).OrderBy(o => o.Start)];
        RunOutages = [.. data.RunOutages.Where(o => window.Overlaps(o.Start, o.End))];
        Reconnects = [.. data.Reconnects.Where(r => Includes(r.FailedAt))];
        Hosts = HostStatistics.Of(this, data);
    }

    /// <summary>What a report of a statistics file takes from the file's totals; <see langword="null"/> for a recorded run, whose report has it all.</summary>
    internal StatisticsFileFigures? File => _data.File;

    /// <summary>The mark whose window this is (<see cref="Window(string)"/>), or <see langword="null"/>.</summary>
    public Mark? Mark { get; }

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

    /// <summary>
    /// Packets written (in a window: packets whose send time falls in it). Every packet is counted
    /// in the window of its send time, and so is what became of it, so in every window
    /// <c>Sent = Received + PacketsLost + InFlight</c>, and the windows of a partition of the run add
    /// up to the whole.
    /// </summary>
    public long Sent { get; }

    /// <summary>Echoes received of the packets sent in the window (whenever the echo came).</summary>
    public long Received { get; }

    /// <summary>
    /// Packets sent in the window still awaiting their echo: when a live report was taken, or when
    /// the run was stopped. Not a loss: their echo had not had its time.
    /// </summary>
    public long InFlight { get; }

    /// <summary>Packets sent in the window that were lost: <see cref="Lost"/> (UDP) plus <see cref="LostInFlight"/> (TCP). Never negative.</summary>
    public long PacketsLost => Lost + LostInFlight;

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
    /// UDP datagrams sent in the window and lost: no reply by the read time-out, or an ICMP error
    /// (counted in the window of the datagram's send time, though given up a read time-out later).
    /// Zero for TCP, which does not lose packets but retransmits them (<see cref="Retransmits"/>).
    /// </summary>
    public long Lost { get; }

    /// <summary>
    /// For an HTTP, HTTP/2 or gRPC run, its requests sent in the window by outcome: succeeded, error
    /// responses (by status), failed, in flight; <see langword="null"/> for echo traffic. A request
    /// is a packet: <see cref="Sent"/>, <see cref="Received"/> (successes), <see cref="Lost"/>
    /// (error responses) and <see cref="LostInFlight"/> (failed requests) count the same.
    /// </summary>
    public RequestOutcomes? Requests { get; }

    /// <summary>The connections that ended with an error, in order of their slots.</summary>
    public IReadOnlyList<ConnectionStats> LostConnections { get; }

    /// <summary>TCP packets sent in the window that were in flight when their connection was lost (never echoed).</summary>
    public long LostInFlight { get; }

    /// <summary>The connections lost in the window by how they ended, most first.</summary>
    public IReadOnlyList<KeyValuePair<ConnectionEndKind, int>> LostConnectionsByKind
        => ConnectionEnds.CountByKind(LostConnections);

    /// <summary>Round-trip times of the echoes in the window (kept per second: a window takes every second it overlaps).</summary>
    public RttStatistics Rtt => _rtt ??= MergeRtt(_data, Period);

    /// <summary>
    /// The round trips of the window corrected for coordinated omission, as a client at the fixed
    /// rate sees them: while a connection waits for a late echo or response it sends nothing, and the
    /// packets it should have sent meanwhile (one every <see cref="PacketInterval"/>; the drop rule
    /// counts them in <see cref="Dropped"/>) would each have waited too. A round trip of <c>v</c> ≥ two
    /// intervals therefore also counts <c>v − interval</c>, <c>v − 2·interval</c>, … down to one
    /// interval (HdrHistogram's expected-interval correction, as wrk2 reports). Equal to
    /// <see cref="Rtt"/> when no round trip took two intervals.
    /// </summary>
    public RttStatistics CorrectedRtt => _correctedRtt ??= new RttStatistics(
        MergeHistogram(_data.Slices, _data.ToTime, Period).CorrectedFor(Math.Max(1, _data.PacketInterval.Ticks / TimeSpan.TicksPerMicrosecond)));

    private RttStatistics? _correctedRtt;

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

    /// <summary>
    /// Per 100 ms slice over the window (slices with nothing in them included as zeros): packets by
    /// send time and what became of them, and the connections lost in the slice.
    /// </summary>
    public IReadOnlyList<TimelinePoint> Timeline
    {
        get
        {
            var sliceLength = _data.ToTime(_data.Slices.SliceTicks);
            var first = (int)(Period.Start.Ticks / sliceLength.Ticks);
            var last = (int)Math.Min(Math.Max(_data.Slices.Count - 1, _data.End.Ticks / sliceLength.Ticks), Period.End.Ticks / sliceLength.Ticks);
            var lostConnections = new int[Math.Max(0, last - first + 1)];
            foreach (var c in _data.Statistics.ConnStats)
            {
                var index = (int)(c.Ended.Ticks / sliceLength.Ticks) - first;
                if (c.Failed && index >= 0 && index < lostConnections.Length)
                {
                    lostConnections[index]++;
                }
            }

            var points = new List<TimelinePoint>(lostConnections.Length);
            for (var i = Math.Max(0, first); i <= last; i++)
            {
                var sums = new SliceSums();
                for (var part = _data.Slices.Get(i); part is not null; part = part.Next)
                {
                    sums.Add(part);
                }

                points.Add(new TimelinePoint(sliceLength * i, sums.Sent, sums.Received, sums.Dropped)
                {
                    PacketsLost = sums.Lost + sums.LostInFlight,
                    LostConnections = lostConnections[i - first],
                });
            }

            return points;
        }
    }

    /// <summary>
    /// The server host of <paramref name="outage"/>: of its lane's connection open when it began, or,
    /// if none was (the connection had ended before the echo it missed was due), of the lane's last
    /// connection before it that had an echo — the one whose silence it is; <see cref="HostStatistics.NoReply"/> if none had.
    /// </summary>
    /// <param name="outage">An outage of this run.</param>
    /// <returns>The host name.</returns>
    public string HostOf(Outage outage)
    {
        ArgumentNullException.ThrowIfNull(outage);
        return HostStatistics.HostOf(_data.Statistics.ConnStats.ToLookup(c => c.Connection), outage);
    }

    /// <summary>The marks of the run.</summary>
    public IReadOnlyList<Mark> Marks => _data.Marks;

    /// <summary>
    /// The window of the mark or disruption named <paramref name="name"/>: from its start until the
    /// next mark that starts after it (after its end, for a disruption: marks made during it, such
    /// as a server's own disruption inside the test's, do not cut it), or the end of the run — so
    /// that what it caused (failures seen later, the recovery) is in it. A name marked more than
    /// once is refused unless one occurrence is named: <c>"kill backend-2#2"</c> is the second.
    /// </summary>
    /// <exception cref="ArgumentException">No mark has that name, or several do.</exception>
    public TrafficReport Window(string name) => WindowOf(Find(name), name);

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
    public TimeSpan? TimeToRecoverAfter(string name) => RecoveryAfter(Find(name));

    /// <summary>
    /// The availability of the window: the share of the packets due in it that were answered in time
    /// (see <see cref="Reports.Availability"/> for what is due and what is in time).
    /// </summary>
    public Availability Availability => _availability ??= AvailabilityCells.Of(_data, Period, Period.End >= _data.End).Total();

    /// <summary>
    /// The availability of every window of <paramref name="length"/> sliding over this one in steps of
    /// 100 ms (the slices of the run), in time order: the whole is the wrong question for a short
    /// outage in a long run — 10 s without an answer is 5.8 % of 172 s and passes a 95 % threshold
    /// on the whole, but no 1 s window in those 10 s is above 0 %. A window is the fewest whole
    /// slices from its start that last <paramref name="length"/> (the first one starts with this
    /// window, so it may hold a part of a slice); this whole window if it is shorter.
    /// </summary>
    /// <param name="length">The length of a window; more than 0, at most <see cref="MaxSlidingWindow"/>.</param>
    /// <returns>The windows in time order; none if this window is empty.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is out of range.</exception>
    public IReadOnlyList<AvailabilityWindow> SlidingAvailability(TimeSpan length)
    {
        if (length <= TimeSpan.Zero || length > MaxSlidingWindow)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"{nameof(length)}: a sliding window lasts more than 0 and at most {MaxSlidingWindow}, was {length}.");
        }

        return AvailabilityCells.Of(_data, Period, Period.End >= _data.End).Sliding(length);
    }

    /// <summary>
    /// What each disruption that began in this window did (for the whole run: every disruption), in
    /// the order they began: see <see cref="DisruptionEffect"/>. Plain marks are not disruptions.
    /// </summary>
    public IReadOnlyList<DisruptionEffect> Disruptions => _disruptions ??= EffectsOfDisruptions();

    private TimeSpan? RecoveryAfter(Mark mark)
    {
        var end = mark.End ?? mark.Time;
        var latest = TimeSpan.Zero;
        foreach (var outage in CausedBy(mark))
        {
            if (!outage.Recovered)
            {
                return null;
            }

            latest = outage.End - end > latest ? outage.End - end : latest;
        }

        return latest;
    }

    /// <summary>The outages <paramref name="mark"/> caused: those that overlap it, or begin within two packet intervals of its end.</summary>
    private IEnumerable<Outage> CausedBy(Mark mark)
    {
        var caused = (mark.End ?? mark.Time) + (_data.PacketInterval * 2);
        return _data.Outages.Where(o => o.Start <= caused && o.End >= mark.Time);
    }

    private TrafficReport WindowOf(Mark mark, string name)
    {
        var after = mark.End is { } end && end > mark.Time ? end : mark.Time;
        var next = _data.Marks.Where(m => m.Time > mark.Time && m.Time >= after).Select(m => (TimeSpan?)m.Time).Min();
        return new TrafficReport(_data, new TimeWindow(mark.Time, next ?? _data.End), name, mark: mark) { Description = $"window '{name}'", Anchor = $"'{name}' began" };
    }

    private List<DisruptionEffect> EffectsOfDisruptions()
    {
        var effects = new List<DisruptionEffect>();
        var marks = _data.Marks;
        var byLane = _data.Statistics.ConnStats.ToLookup(c => c.Connection);
        foreach (var (index, contact) in _data.Disruptions.OrderBy(d => d.Key))
        {
            if (index >= marks.Count || !Includes(marks[index].Time))
            {
                continue;
            }

            var mark = marks[index];
            var same = marks.Count(m => m.Name == mark.Name);
            var name = same == 1 ? mark.Name : $"{mark.Name}#{marks.Take(index + 1).Count(m => m.Name == mark.Name)}";
            var window = WindowOf(mark, name);
            var caused = CausedBy(mark).OrderBy(o => o.Start).ToList();
            var outagesByHost = caused.ToLookup(o => HostStatistics.HostOf(byLane, o), StringComparer.Ordinal);
            var lostByHost = window.LostConnections.ToLookup(HostStatistics.HostOf, StringComparer.Ordinal);
            var hosts = outagesByHost.Select(g => g.Key).Union(lostByHost.Select(g => g.Key), StringComparer.Ordinal)
                .Select(h => new DisruptionHost(h, lostByHost[h].Count(), outagesByHost[h].Select(o => o.Connection).Distinct().Count(),
                    outagesByHost[h].Select(o => o.Duration).DefaultIfEmpty(TimeSpan.Zero).Max()))
                .OrderByDescending(h => h.LostConnections).ThenByDescending(h => h.InterruptedConnections).ThenBy(h => h.Host, StringComparer.Ordinal)
                .ToList();
            effects.Add(new DisruptionEffect(name, mark, window, caused, hosts, mark.End is null ? null : RecoveryAfter(mark), contact));
        }

        return effects;
    }

    /// <summary>From the start of the run to the mark named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No mark has that name, or several do (see <see cref="Window(string)"/>).</exception>
    public TrafficReport Before(string name)
        => new(_data, new TimeWindow(TimeSpan.Zero, Find(name).Time), $"before '{name}'") { Description = $"before '{name}'" };

    /// <summary>From the end of the mark named <paramref name="name"/> (its time, for a plain mark) to the end of the run.</summary>
    /// <exception cref="ArgumentException">No mark has that name, or several do (see <see cref="Window(string)"/>).</exception>
    public TrafficReport After(string name)
    {
        var mark = Find(name);
        return new TrafficReport(_data, new TimeWindow(mark.End ?? mark.Time, _data.End), $"after '{name}'")
        {
            Description = $"after '{name}'",
            Anchor = mark.End is null ? $"'{name}'" : $"'{name}' ended",
        };
    }

    /// <summary>From the mark <paramref name="from"/> to the mark <paramref name="to"/>.</summary>
    /// <exception cref="ArgumentException">No mark has one of the names, or several do (see <see cref="Window(string)"/>).</exception>
    public TrafficReport Between(string from, string to)
        => new(_data, new TimeWindow(Find(from).Time, Find(to).Time), $"'{from}' to '{to}'") { Description = $"from '{from}' to '{to}'", Anchor = $"'{from}'" };

    /// <summary>
    /// A window given by times from the start of the run. Its packets are those of the 100 ms slices
    /// (split at marks) that start in it: give mark names for an exact window.
    /// </summary>
    public TrafficReport Between(TimeSpan from, TimeSpan to)
        => to < from
            ? throw new ArgumentException($"the window ends ({to}) before it starts ({from})", nameof(to))
            : new(_data, new TimeWindow(from, to), $"{TimeWindow.Seconds(from)} to {TimeWindow.Seconds(to)}") { Description = $"{TimeWindow.Seconds(from)} to {TimeWindow.Seconds(to)}" };

    /// <summary>The ctraffic JSON of the whole run (<c>-stats all</c>), with the added fields <c>Rtt</c>, <c>CorrectedRtt</c>, <c>Outages</c> and <c>Marks</c>.</summary>
    public string ToJson() => ReportJson.Write(this, _data);

    /// <summary>
    /// The ctraffic statistics JSON of the whole run at <paramref name="detail"/>, as the command
    /// writes it, with the round trips added: <c>Rtt</c> and <c>CorrectedRtt</c> (see
    /// <see cref="CorrectedRtt"/>), each <c>Count</c> and times in nanoseconds.
    /// </summary>
    /// <param name="detail">The detail, as <c>-stats</c> takes it.</param>
    public string ToStatisticsJson(StatisticsDetail detail) => ReportJson.WriteStatistics(this, _data, detail);

    /// <summary>How messages name the window: <c>window 'kill backend-1'</c>, <c>before 'reload'</c>, <c>the run</c>.</summary>
    public string Description { get; private init; } = "the run";

    /// <summary>What times in messages are counted from (<c>'reload' began</c>), or <see langword="null"/> for the run's start.</summary>
    internal string? Anchor { get; private init; }

    /// <summary>
    /// <paramref name="time"/> (from the start of the run) as a message says it: from the window's
    /// mark ("1.15 s after 'nginx reload' began"), or from the run's start ("3.2 s into the run").
    /// </summary>
    /// <param name="time">A time from the start of the run.</param>
    /// <returns>The words.</returns>
    public string DescribeTime(TimeSpan time)
        => Anchor is null ? $"{TimeWindow.Seconds(time)} into the run"
            : time >= Period.Start ? $"{TimeWindow.Seconds(time - Period.Start)} after {Anchor}"
            : $"{TimeWindow.Seconds(Period.Start - time)} before {Anchor}";

    /// <summary>
    /// Whether an event at <paramref name="time"/> (from the start of the run) belongs to the window:
    /// from its start, up to but not at its end (at it too, when the window ends with the run), so
    /// that back-to-back windows share no event.
    /// </summary>
    /// <param name="time">A time from the start of the run.</param>
    /// <returns><see langword="true"/> if the window holds it.</returns>
    public bool Includes(TimeSpan time) => time >= Period.Start && (time < Period.End || Period.End >= _data.End);

    /// <inheritdoc/>
    public override string ToString()
        => $"{(Name is null ? "run" : Description)} {Period}: sent {Sent}, received {Received}, lost {PacketsLost}, in flight {InFlight}, dropped {Dropped}, " +
           $"lost connections {FailedConnections}{(FailedConnections > 0 ? $" ({ConnectionEnds.Summarize(LostConnections.Select(c => c.EndKind))})" : "")}, " +
           $"failed connects {FailedConnects}, longest outage {TimeWindow.Seconds(LongestOutage)}, rtt {Rtt}";

    /// <summary>What a message says of how marks are made, when a window's mark is missing.</summary>
    internal const string HowMarksAreMade =
        "marks are made by traffic.Mark(name) and traffic.Disruption(name), and by the servers, balancers, proxies and faults " +
        "that record on the traffic: the server given as o.Server, or any other through its RecordOn(traffic)";

    private Mark Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var same = _data.Marks.Where(m => m.Name == name).ToList();
        if (same.Count == 1)
        {
            return same[0];
        }

        if (same.Count > 1)
        {
            throw new ArgumentException(
                $"the mark '{name}' was made {same.Count} times ({string.Join(", ", same.Select((m, i) => $"'{name}#{i + 1}' at {TimeWindow.Seconds(m.Time)}"))}): " +
                $"name one occurrence, e.g. '{name}#{same.Count}' for the last", nameof(name));
        }

        var hash = name.LastIndexOf('#');
        if (hash > 0 && int.TryParse(name.AsSpan(hash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var occurrence))
        {
            var named = _data.Marks.Where(m => m.Name == name[..hash]).ToList();
            if (occurrence >= 1 && occurrence <= named.Count)
            {
                return named[occurrence - 1];
            }
        }

        throw new ArgumentException(
            _data.Marks.Count == 0
                ? $"no mark named '{name}': the run has no marks ({HowMarksAreMade})"
                : $"no mark named '{name}'; the marks are {string.Join(", ", _data.Marks.Select(m => $"'{m.Name}'").Distinct())}",
            nameof(name));
    }

    private SliceSums SumSlices(TimeWindow window)
    {
        var sums = new SliceSums();
        var toEnd = window.End >= _data.End;
        foreach (var slice in SlicesIn(_data.Slices, _data.ToTime, window))
        {
            for (var part = slice; part is not null; part = part.Next)
            {
                var start = _data.ToTime(part.StartTicks);
                if (start >= window.Start && (start < window.End || toEnd))
                {
                    sums.Add(part);
                    sums.InFlight += _data.InFlight.GetValueOrDefault(part);
                }
            }
        }

        return sums;
    }

    private static RttStatistics MergeRtt(ReportData data, TimeWindow window) => MergeRtt(data.Slices, data.ToTime, window);

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

    /// <summary>The round trips of <paramref name="window"/>: of every second that overlaps it (they are kept per second, by the packets' send time).</summary>
    internal static RttStatistics MergeRtt(SliceLog slices, Func<long, TimeSpan> toTime, TimeWindow window)
        => new(MergeHistogram(slices, toTime, window));

    /// <summary>The round trips of <paramref name="window"/> in one histogram (see <see cref="MergeRtt(SliceLog, Func{long, TimeSpan}, TimeWindow)"/>).</summary>
    internal static LogHistogram MergeHistogram(SliceLog slices, Func<long, TimeSpan> toTime, TimeWindow window)
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

        return merged;
    }

    /// <summary>The counters of slice parts added up; received and the losses are read before sent, so that a live sum never has more echoes than packets.</summary>
    private struct SliceSums
    {
        public long Sent, Received, Dropped, DroppedLocal, Retransmits, Lost, LostInFlight, InFlight;
        public Dictionary<string, long>? ErrorStatuses;

        public void Add(Slice part)
        {
            if (part.ErrorStatuses is { } statuses)
            {
                ErrorStatuses ??= new Dictionary<string, long>(StringComparer.Ordinal);
                statuses.AddTo(ErrorStatuses);
            }

            Received += Interlocked.Read(ref part.Received);
            Lost += Interlocked.Read(ref part.Lost);
            LostInFlight += Interlocked.Read(ref part.LostInFlight);
            InFlight += Interlocked.Read(ref part.Unanswered);
            Sent += Interlocked.Read(ref part.Sent);
            Dropped += Interlocked.Read(ref part.Dropped);
            DroppedLocal += Interlocked.Read(ref part.DroppedLocal);
            Retransmits += Interlocked.Read(ref part.Retransmits);
        }
    }
}
