using Ctraffic.Client.Recording;
using Ctraffic.Internal;
using Ctraffic.Reports;

namespace Ctraffic.Client;

/// <content>
/// What the run records besides the ctraffic counters: per-slice counters and round-trip times,
/// per-connection outages and reconnects, and marks — the data of <see cref="GetReport"/>.
/// </content>
public sealed partial class TrafficRun
{
    private readonly SliceLog _slices;
    private readonly List<Mark> _marks = [];
    private readonly long _intervalTicks;
    private readonly long _outageTicks;
    private readonly long _ticksPerMicrosecond;
    private readonly LogHistogram _pacingLag = new();
    private readonly long _timerTickTicks;
    private long _droppedLocal;

    /// <summary>The interval between two packets of one connection.</summary>
    public TimeSpan PacketInterval => ToTime(_intervalTicks);

    /// <summary>Marks this moment of the run with a name, for windows of the report.</summary>
    /// <param name="name">The name; windows are taken by it.</param>
    public void Mark(string name) => AddMark(name);

    /// <summary>Marks the start of a disruption (a named span); disposing the result marks its end.</summary>
    /// <param name="name">The name; windows are taken by it.</param>
    public IDisposable Disruption(string name)
    {
        var index = AddMark(name);
        return new SpanEnd(this, index);
    }

    /// <summary>
    /// The report of the run so far (final once <see cref="Completion"/> has completed): the
    /// statistics plus round-trip times, outages, reconnects, per-host counts and marks.
    /// </summary>
    public TrafficReport GetReport()
    {
        // Round trips before the counters: one consistent snapshot while the run goes on (see TrafficReport).
        var live = !_finished;
        var rtt = live ? TrafficReport.MergeRtt(_slices, ToTime, new TimeWindow(TimeSpan.Zero, TimeSpan.MaxValue)) : null;
        var stats = GetStatistics();
        var end = _finished ? (_deadlineTs == long.MaxValue || stats.Duration < ToTime(_deadlineTs - _startTs) ? stats.Duration : ToTime(_deadlineTs - _startTs)) : Elapsed;
        var endTicks = ToTicks(end);
        var outages = new List<Outage>();
        var reconnects = new List<Reconnect>();
        var lives = new List<TimeWindow>();
        foreach (var lane in _lanes)
        {
            lock (lane.History)
            {
                foreach (var (start, stop) in lane.History.Outages)
                {
                    outages.Add(new Outage(lane.Index, ToTime(start), ToTime(stop), true));
                }

                var last = lane.History.LastEcho;
                if (last >= 0 && endTicks - last > _intervalTicks + _outageTicks)
                {
                    outages.Add(new Outage(lane.Index, ToTime(last + _intervalTicks), end, false));
                }

                if (lane.History.FirstEcho >= 0)
                {
                    lives.Add(new TimeWindow(ToTime(lane.History.FirstEcho), end));
                }

                foreach (var r in lane.History.Reconnects)
                {
                    reconnects.Add(new Reconnect(lane.Index, ToTime(r.FailedAt),
                        r.ConnectedAt >= 0 ? ToTime(r.ConnectedAt) : null,
                        r.FirstEchoAt >= 0 ? ToTime(r.FirstEchoAt) : null));
                }
            }
        }

        Mark[] marks;
        lock (_marks)
        {
            marks = [.. _marks];
        }

        var data = new ReportData
        {
            Statistics = stats,
            Slices = _slices,
            ToTime = ToTime,
            Outages = outages,
            Reconnects = [.. reconnects.OrderBy(r => r.FailedAt)],
            Marks = marks,
            Lives = lives,
            PacketInterval = PacketInterval,
            End = end,
            Live = live,
        };
        return new TrafficReport(data, new TimeWindow(TimeSpan.Zero, end), null, rtt);
    }

    private int AddMark(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (_marks)
        {
            _marks.Add(new Mark(name, Elapsed));
            return _marks.Count - 1;
        }
    }

    /// <summary>
    /// Waits for the first packet of a connection and returns its token bucket, holding that
    /// packet; <see langword="null"/> once the run stops. The first connection of a lane sends at
    /// the lane's place in the spread; a re-connect sends at once. A first connection that is late
    /// for its place (a slow connect, a SYN retry) gets the part of an interval it is late as
    /// tokens, so its next packet is back at its place: lanes that connected late together do
    /// not send together for the run.
    /// </summary>
    private async ValueTask<TokenBucket?> StartPacingAsync(Lane lane)
    {
        var place = _startTs + lane.FirstPacketOffset;
        var first = Math.Min(Math.Max(_time.GetTimestamp(), lane.Connections == 1 ? place : 0), _deadlineTs);
        if (!await _pacer.DelayUntilAsync(lane.Waiter, first).ConfigureAwait(false))
        {
            return null;
        }

        var start = _time.GetTimestamp();
        var late = lane.Connections == 1 && _intervalTicks > 0 ? Math.Max(0, start - place) % _intervalTicks : 0;
        var credit = late * _bytesPerSecondPerConnection / _time.TimestampFrequency;
        return new TokenBucket(_bytesPerSecondPerConnection, _packetSize * 10.0, start, _time.TimestampFrequency, initialTokens: _packetSize + credit);
    }

    /// <summary>A packet written at <paramref name="sentAt"/>; then the original's drop rule: every whole packet's worth of tokens already in the bucket is dropped.</summary>
    private void CountSent(ConnectionState conn, Lane lane, long sentAt, ref TokenBucket bucket)
    {
        if (lane.WaitedFor != 0)
        {
            RecordWake(lane, lane.WaitedFor, sentAt);
        }

        conn.CountSent();
        Volatile.Write(ref lane.Sent, lane.Sent + 1);
        Interlocked.Increment(ref _slices.At(sentAt - _startTs).Sent);
        var now = _time.GetTimestamp();
        while (bucket.TryTake(now, _packetSize))
        {
            conn.CountDropped();
            Volatile.Write(ref lane.Dropped, lane.Dropped + 1);
            RecordDropped(lane, now);
        }
    }

    /// <summary>The echo of the packet written at <paramref name="sentAt"/>; the first one names the server host.</summary>
    private void CountEcho(ConnectionState conn, Lane lane, long sentAt, byte[] packet)
    {
        conn.CountReceived();
        Volatile.Write(ref lane.Received, lane.Received + 1);
        RecordEcho(lane, sentAt, _time.GetTimestamp());
        if (conn.Host.Length == 0)
        {
            conn.Host = HostName(packet);
        }
    }

    /// <summary>A drop; it is the machine's own when the sender woke a packet interval or more late.</summary>
    private void RecordDropped(Lane lane, long now)
    {
        var slice = _slices.At(now - _startTs);
        Interlocked.Increment(ref slice.Dropped);
        if (lane.LastWakeLag >= _intervalTicks)
        {
            Interlocked.Increment(ref slice.DroppedLocal);
            Interlocked.Increment(ref _droppedLocal);
        }
    }

    /// <summary>
    /// Waits until a packet's turn; <see langword="false"/> once the run stops. A turn less than
    /// a timer tick away is taken at once: the bucket has already reserved it, so the rate holds,
    /// and high rates are not held to one packet per timer tick. Not an async method: thousands
    /// of lanes wait at once, and a state machine box per wait would be an allocation per packet.
    /// How late the sender woke is recorded by <see cref="CountSent"/>.
    /// </summary>
    private ValueTask<bool> WaitForTurnAsync(Lane lane, long due, long now)
    {
        if (due - now < _timerTickTicks)
        {
            lane.WaitedFor = 0;
            return new ValueTask<bool>(!_stop.IsCancellationRequested);
        }

        lane.WaitedFor = due;
        return _pacer.DelayUntilAsync(lane.Waiter, due);
    }

    /// <summary>How late the pacer woke the sender: a busy machine, not the network.</summary>
    private void RecordWake(Lane lane, long due, long now)
    {
        var lag = Math.Max(0, now - due);
        lane.LastWakeLag = lag;
        _pacingLag.Record(lag / _ticksPerMicrosecond);
    }

    private void RecordEcho(Lane lane, long sentAt, long now)
    {
        var slice = _slices.At(now - _startTs);
        Interlocked.Increment(ref slice.Received);
        _slices.RttAt(now - _startTs).Record((now - sentAt) / _ticksPerMicrosecond);
        var t = now - _startTs;
        lock (lane.History)
        {
            var h = lane.History;
            if (h.LastEcho >= 0 && t - h.LastEcho > _intervalTicks + _outageTicks)
            {
                h.Outages.Add((h.LastEcho + _intervalTicks, t));
            }

            if (h.FirstEcho < 0)
            {
                h.FirstEcho = t;
            }

            h.LastEcho = t;

            // The first echo after failures ends the recovery of each of them.
            for (var i = h.Reconnects.Count - 1; i >= 0 && h.Reconnects[i].FirstEchoAt < 0; i--)
            {
                h.Reconnects[i].FirstEchoAt = t;
            }
        }
    }

    private void RecordFailure(Lane lane, long now)
    {
        lock (lane.History)
        {
            lane.History.Reconnects.Add(new LaneHistory.Recovery { FailedAt = now - _startTs });
        }
    }

    private void RecordConnected(Lane lane, long now)
    {
        lock (lane.History)
        {
            var r = lane.History.Reconnects;
            for (var i = r.Count - 1; i >= 0 && r[i].ConnectedAt < 0; i--)
            {
                r[i].ConnectedAt = now - _startTs;
            }
        }
    }

    /// <summary>
    /// The heartbeat's sample of the lane's TCP connection: <c>tcpi_total_retrans</c> read once a
    /// heartbeat (one slice), its growth counted in the slice of now. One <c>getsockopt</c> per
    /// connection and slice, nothing allocated; a socket closed meanwhile is skipped.
    /// </summary>
    private void SampleRetransmits(Lane lane, long now)
    {
        if (lane.Current is { TcpSocket: { } socket } conn && TcpInfo.TotalRetransmits(socket) is { } total)
        {
            CountRetransmits(conn, total, now);
        }
    }

    /// <summary>Counts in the slice of <paramref name="now"/> what <paramref name="total"/> adds to the retransmits counted so far for <paramref name="conn"/>; safe against a concurrent sample.</summary>
    private void CountRetransmits(ConnectionState conn, long total, long now)
    {
        var counted = Volatile.Read(ref conn.RetransmitsCounted);
        while (total > counted)
        {
            var seen = Interlocked.CompareExchange(ref conn.RetransmitsCounted, total, counted);
            if (seen == counted)
            {
                Interlocked.Add(ref _slices.At(now - _startTs).Retransmits, total - counted);
                return;
            }

            counted = seen;
        }
    }

    /// <summary>Outages and reconnects of one connection (a lane), across its slots. Locked on itself.</summary>
    private sealed class LaneHistory
    {
        public long FirstEcho = -1;
        public long LastEcho = -1;
        public readonly List<(long Start, long End)> Outages = [];
        public readonly List<Recovery> Reconnects = [];

        public sealed class Recovery
        {
            public long FailedAt;
            public long ConnectedAt = -1;
            public long FirstEchoAt = -1;
        }
    }

    private sealed class SpanEnd(TrafficRun run, int index) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            lock (run._marks)
            {
                run._marks[index] = run._marks[index] with { End = run.Elapsed };
            }
        }
    }
}
