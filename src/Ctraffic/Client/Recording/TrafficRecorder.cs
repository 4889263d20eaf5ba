using Ctraffic.Internal;
using Ctraffic.Reports;
using Ctraffic.Statistics;
using Ctraffic.Telemetry;

namespace Ctraffic.Client.Recording;

/// <summary>
/// What a run records: the connection slots and their counters, per-lane counters, per-slice
/// counters and round-trip times (<see cref="SliceLog"/>), each lane's outages and reconnects
/// (<see cref="LaneHistory"/>), marks, and the samples; and from them the snapshot, the statistics
/// and the report. Given timestamps, it reads no clock: tested with made-up times. The counting
/// methods are called by each lane for its own connection; nothing is allocated per packet.
/// </summary>
internal sealed partial class TrafficRecorder
{
    private readonly RunClock _clock;
    private readonly long _intervalTicks;
    private readonly long _outageTicks;
    private readonly long _ticksPerMicrosecond;
    private readonly int _maxConnections;
    private readonly LaneRecord[] _lanes;
    private readonly SliceLog _slices;
    private readonly HostRoundTrips? _hostRtt;
    private readonly TrafficMeter? _meter;
    private readonly MarkLog _marks = new();
    private readonly LogHistogram _pacingLag = new();
    private readonly Lock _gate = new();
    private readonly List<ConnectionState> _connections = [];
    private readonly List<Sample> _samples = [];
    private bool _sealed;
    private long _failedConnections;
    private long _failedConnects;
    private long _droppedLocal;
    private string? _lastError;

    /// <summary>Creates the record of a run.</summary>
    /// <param name="lanes">Connections held at once (lanes).</param>
    /// <param name="maxConnections">Connection slots the run may use in all, re-connects included.</param>
    /// <param name="clock">The run's time base.</param>
    /// <param name="intervalTicks">Ticks between two packets of one connection.</param>
    /// <param name="outageTicks">The outage threshold in ticks: a silence longer than one interval plus this is an outage.</param>
    /// <param name="hostRoundTrips">Whether round trips are also kept per host.</param>
    /// <param name="meter">Where the counts are published as they happen, or <see langword="null"/>.</param>
    public TrafficRecorder(int lanes, int maxConnections, RunClock clock, long intervalTicks, long outageTicks, bool hostRoundTrips = false, TrafficMeter? meter = null)
    {
        _meter = meter;
        _outageTicks = outageTicks;
        _hostRtt = hostRoundTrips ? new HostRoundTrips(clock.Frequency) : null;
        _clock = clock;
        _intervalTicks = intervalTicks;
        _ticksPerMicrosecond = Math.Max(1, clock.Frequency / 1_000_000);
        _maxConnections = maxConnections;
        _slices = new SliceLog(clock.Frequency);
        _lanes = new LaneRecord[lanes];
        for (var i = 0; i < lanes; i++)
        {
            _lanes[i] = new LaneRecord(new LaneHistory(intervalTicks, outageTicks));
        }
    }

    /// <summary>The latest error of a connect attempt or a connection (Go's wording), or <see langword="null"/> if none yet.</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>
    /// A new connection slot for <paramref name="lane"/>, started at <paramref name="now"/>, now the
    /// lane's current one; <see langword="null"/> when every slot of the run has been used.
    /// </summary>
    public ConnectionState? Open(int lane, long now)
    {
        ConnectionState conn;
        lock (_gate)
        {
            if (_connections.Count >= _maxConnections)
            {
                return null;
            }

            conn = new ConnectionState(_connections.Count, lane, _clock.Since(now));
            _connections.Add(conn);
        }

        _lanes[lane].Current = conn;
        return conn;
    }

    /// <summary>A connect attempt of <paramref name="conn"/> failed with <paramref name="error"/>, of <paramref name="kind"/>.</summary>
    public void ConnectFailed(ConnectionState conn, string error, ConnectionEndKind kind)
    {
        conn.FailedConnects++;
        conn.Error = null;
        conn.ConnectKind = kind;
        Volatile.Write(ref _lastError, error);
        Interlocked.Increment(ref _failedConnects);
    }

    /// <summary><paramref name="conn"/> connected at <paramref name="now"/>; the reconnect of the lane's failures.</summary>
    public void Connected(ConnectionState conn, long now, string local, string remote)
    {
        conn.ConnectedTicks = _clock.Since(now);
        conn.Local = local;
        conn.Remote = remote;
        conn.Phase = ConnectionPhase.Active;
        _lanes[conn.Lane].History.Connected(_clock.Since(now));
    }

    /// <summary>
    /// <paramref name="conn"/> ended at <paramref name="endedAt"/>, as <paramref name="kind"/>, with
    /// <paramref name="error"/> if it failed. A packet still in flight is lost with the connection
    /// if it failed, and unanswered if the run stopped.
    /// </summary>
    public void Ended(ConnectionState conn, string? error, ConnectionEndKind kind, long endedAt)
    {
        conn.Error = error;
        conn.EndKind = kind;
        if (error is not null)
        {
            Volatile.Write(ref _lastError, error);
        }

        if (Interlocked.Exchange(ref _lanes[conn.Lane].Pending, null) is { } part)
        {
            Interlocked.Increment(ref error is null ? ref part.Unanswered : ref part.LostInFlight);
            if (error is not null)
            {
                _meter?.Lost();
            }
        }

        conn.EndedTicks = _clock.Since(endedAt);
        conn.Phase = ConnectionPhase.Ended;
    }

    /// <summary>
    /// The connection <paramref name="conn"/> failed: counted, and a reconnect of its lane begins,
    /// at its end (when the FIN or RST was seen), or at <paramref name="now"/> if it has not ended.
    /// </summary>
    public void Failed(ConnectionState conn, long now)
    {
        Interlocked.Increment(ref _failedConnections);
        _lanes[conn.Lane].History.Failed(conn.EndedTicks >= 0 ? conn.EndedTicks : _clock.Since(now));
        _meter?.LostConnection(conn.EndKind, string.IsNullOrEmpty(conn.Host) ? HostStatistics.NoReply : conn.Host);
    }

    /// <summary>The pacer woke the sender of <paramref name="conn"/> at <paramref name="now"/> for a turn due at <paramref name="due"/>: a busy machine, not the network.</summary>
    public void Woke(ConnectionState conn, long due, long now)
    {
        var lag = Math.Max(0, now - due);
        _lanes[conn.Lane].LastWakeLag = lag;
        _pacingLag.Record(lag / _ticksPerMicrosecond);
    }

    /// <summary>A packet of <paramref name="conn"/> written at <paramref name="sentAt"/>: in flight until its echo, its loss or the end.</summary>
    public void Sent(ConnectionState conn, long sentAt)
    {
        conn.CountSent();
        var lane = _lanes[conn.Lane];
        Volatile.Write(ref lane.Sent, lane.Sent + 1);
        var part = _slices.At(_clock.Since(sentAt));
        Interlocked.Increment(ref part.Sent);
        Volatile.Write(ref lane.Pending, part);
        _meter?.Sent();
    }

    /// <summary>
    /// <paramref name="count"/> packets of <paramref name="conn"/> dropped at <paramref name="now"/>
    /// (one packet's time, so counted at once: at high rates a packet can drop several); they are
    /// the machine's own drops when the sender last woke a packet interval or more late.
    /// </summary>
    public void Dropped(ConnectionState conn, long now, int count = 1)
    {
        conn.CountDropped(count);
        var lane = _lanes[conn.Lane];
        Volatile.Write(ref lane.Dropped, lane.Dropped + count);
        var slice = _slices.At(_clock.Since(now));
        Interlocked.Add(ref slice.Dropped, count);
        if (lane.LastWakeLag >= _intervalTicks)
        {
            Interlocked.Add(ref slice.DroppedLocal, count);
            Interlocked.Add(ref _droppedLocal, count);
        }

        _meter?.Dropped(count);
    }

    /// <summary>
    /// The echo, at <paramref name="now"/>, of the packet of <paramref name="conn"/> written at
    /// <paramref name="sentAt"/>: counted, with its round trip, in the slice the packet was sent in.
    /// </summary>
    public void Echoed(ConnectionState conn, long sentAt, long now)
    {
        var lane = _lanes[conn.Lane];
        var sent = _clock.Since(sentAt);
        var part = Interlocked.Exchange(ref lane.Pending, null) ?? _slices.At(sent);
        Interlocked.Increment(ref part.Received);
        conn.CountReceived();
        Volatile.Write(ref lane.Received, lane.Received + 1);
        var micros = (now - sentAt) / _ticksPerMicrosecond;
        _slices.RttAt(sent).Record(micros);
        if (_hostRtt is not null && conn.HostIndex >= 0)
        {
            _hostRtt.Record(conn.HostIndex, sent, micros);
        }

        var outage = lane.History.Echoed(_clock.Since(now));
        if (_meter is not null)
        {
            _meter.Answered(micros / 1e6);
            if (outage > 0)
            {
                _meter.Outage(_clock.ToTime(outage).TotalSeconds);
            }
        }
    }

    /// <summary><paramref name="conn"/> was served by <paramref name="host"/> (the name in its first reply).</summary>
    public void Served(ConnectionState conn, string host)
    {
        conn.Host = host;
        conn.HostIndex = _hostRtt?.IndexOf(host) ?? -1;
    }

    /// <summary>
    /// The UDP datagram of <paramref name="conn"/> in flight given up at <paramref name="now"/>: no
    /// reply by the read time-out, or an ICMP error; counted in the slice it was sent in.
    /// </summary>
    public void Lost(ConnectionState conn, long now)
    {
        var part = Interlocked.Exchange(ref _lanes[conn.Lane].Pending, null) ?? _slices.At(_clock.Since(now));
        Interlocked.Increment(ref part.Lost);
        _meter?.Lost();
    }

    /// <summary>
    /// An error response of <paramref name="status"/> to the request of <paramref name="conn"/> in
    /// flight (an HTTP run), counted in the slice part it was sent in, before the loop counts it as
    /// <see cref="Lost"/>; at <paramref name="now"/> if none is in flight.
    /// </summary>
    public void ErrorStatus(ConnectionState conn, string status, long now)
        => (Volatile.Read(ref _lanes[conn.Lane].Pending) ?? _slices.At(_clock.Since(now))).CountErrorStatus(status);

    /// <summary>
    /// Counts in the slice of <paramref name="now"/> what <paramref name="total"/> (the socket's
    /// <c>tcpi_total_retrans</c>) adds to the retransmits counted so far for <paramref name="conn"/>;
    /// safe against a concurrent sample.
    /// </summary>
    public void Retransmits(ConnectionState conn, long total, long now)
    {
        var counted = Volatile.Read(ref conn.RetransmitsCounted);
        while (total > counted)
        {
            var seen = Interlocked.CompareExchange(ref conn.RetransmitsCounted, total, counted);
            if (seen == counted)
            {
                Interlocked.Add(ref _slices.At(_clock.Since(now)).Retransmits, total - counted);
                return;
            }

            counted = seen;
        }
    }

    /// <summary>Marks <paramref name="now"/> with <paramref name="name"/>; returns the mark's index, for <see cref="EndMark"/>.
    /// The slice of the mark is split there, so that windows that start or end at marks are exact.</summary>
    public int Mark(string name, long now)
    {
        var t = _clock.Since(now);
        _slices.Split(t);
        return _marks.Add(name, _clock.ToTime(t));
    }

    /// <summary>
    /// Marks the start of the disruption <paramref name="name"/> at <paramref name="now"/>, whose
    /// <paramref name="contact"/> (if any) is asked what crossed it; returns the mark's index, for
    /// <see cref="EndMark"/>. The slice of the mark is split there.
    /// </summary>
    public int Disruption(string name, long now, Func<DisruptionContact>? contact)
    {
        var t = _clock.Since(now);
        _slices.Split(t);
        return _marks.Add(name, _clock.ToTime(t), disruption: true, contact);
    }

    /// <summary>The lanes in an outage at <paramref name="now"/>: they echoed once, and not for longer than one interval plus the outage threshold.</summary>
    public int InOutage(long now)
    {
        var t = _clock.Since(now);
        var count = 0;
        foreach (var lane in _lanes)
        {
            if (lane.History.IsInOutageAt(t))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Ends the span of the mark at <paramref name="index"/> (a disruption) at <paramref name="now"/>, splitting its slice there; returns what crossed it, if its source counts that.</summary>
    public DisruptionContact? EndMark(int index, long now)
    {
        var t = _clock.Since(now);
        _slices.Split(t);
        return _marks.End(index, _clock.ToTime(t));
    }

    /// <summary>Packets in flight now per slice part: the part of each lane's packet awaiting its echo.</summary>
    public Slice?[] InFlight()
    {
        var parts = new Slice?[_lanes.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = Volatile.Read(ref _lanes[i].Pending);
        }

        return parts;
    }

    /// <summary>The counters of one lane; the lane writes them, the monitor reads them.</summary>
    private sealed class LaneRecord(LaneHistory history)
    {
        public readonly LaneHistory History = history;
        public long Sent;
        public long Received;
        public long Dropped;
        public long LastWakeLag;
        public volatile ConnectionState? Current;

        /// <summary>The slice part of the packet in flight (sent, not yet echoed, lost or ended); <see langword="null"/> if none.</summary>
        public Slice? Pending;
    }
}
