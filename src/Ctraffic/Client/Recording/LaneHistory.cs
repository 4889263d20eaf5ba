using Ctraffic.Internal;
using Ctraffic.Reports;

namespace Ctraffic.Client.Recording;

/// <summary>
/// Outages and reconnects of one connection (a lane), across its slots, in ticks since the run
/// start. An outage is a silence longer than one packet interval plus the outage threshold: from
/// when the missing echo was due (the last echo + one interval) to the echo that ended it. A
/// reconnect is a failure, the connect after it and the first echo after it. The lane writes,
/// reports read; a lock of its own keeps them consistent.
/// </summary>
internal sealed class LaneHistory
{
    private readonly Lock _gate = new();
    private readonly long _intervalTicks;
    private readonly long _silenceTicks;
    private readonly List<(long Start, long End)> _outages = [];
    private readonly List<Recovery> _reconnects = [];
    private long _firstEcho = -1;
    private long _lastEcho = -1;

    /// <summary>Creates the history of a lane sending one packet every <paramref name="intervalTicks"/>.</summary>
    public LaneHistory(long intervalTicks, long outageTicks)
    {
        _intervalTicks = intervalTicks;
        _silenceTicks = intervalTicks + outageTicks;
    }

    /// <summary>
    /// Whether the lane got an echo within one packet interval plus the outage threshold before
    /// <paramref name="t"/>. A lane that never echoed is not echoing, also early in the run: a
    /// snapshot taken before the first echo must not tell a test that waits for steady traffic
    /// that it is there.
    /// </summary>
    public bool IsEchoingAt(long t)
    {
        var last = Volatile.Read(ref _lastEcho);
        return last >= 0 && last >= t - _silenceTicks;
    }

    /// <summary>Whether the lane echoed once, and not within one packet interval plus the outage threshold before <paramref name="t"/>.</summary>
    public bool IsInOutageAt(long t)
    {
        var last = Volatile.Read(ref _lastEcho);
        return last >= 0 && last < t - _silenceTicks;
    }

    /// <summary>
    /// An echo at <paramref name="t"/>: ends an outage if the silence before it was one, and the
    /// recovery of every failure not yet recovered. Returns the length of the outage it ended, in
    /// ticks; 0 if none.
    /// </summary>
    public long Echoed(long t)
    {
        var ended = 0L;
        lock (_gate)
        {
            if (_lastEcho >= 0 && t - _lastEcho > _silenceTicks)
            {
                _outages.Add((_lastEcho + _intervalTicks, t));
                ended = t - (_lastEcho + _intervalTicks);
            }

            if (_firstEcho < 0)
            {
                _firstEcho = t;
            }

            Volatile.Write(ref _lastEcho, t);
            for (var i = _reconnects.Count - 1; i >= 0 && _reconnects[i].FirstEchoAt < 0; i--)
            {
                _reconnects[i].FirstEchoAt = t;
            }
        }

        return ended;
    }

    /// <summary>A connection of the lane failed at <paramref name="t"/>.</summary>
    public void Failed(long t)
    {
        lock (_gate)
        {
            _reconnects.Add(new Recovery { FailedAt = t });
        }
    }

    /// <summary>A connection of the lane was made at <paramref name="t"/>: the reconnect of every failure not yet reconnected.</summary>
    public void Connected(long t)
    {
        lock (_gate)
        {
            for (var i = _reconnects.Count - 1; i >= 0 && _reconnects[i].ConnectedAt < 0; i--)
            {
                _reconnects[i].ConnectedAt = t;
            }
        }
    }

    /// <summary>
    /// Adds the lane's outages, reconnects and life (first echo to <paramref name="end"/>) to a
    /// report's lists. A silence still going on at <paramref name="end"/> is an outage not recovered.
    /// </summary>
    public void AddTo(int lane, RunClock clock, TimeSpan end, List<Outage> outages, List<Reconnect> reconnects, List<TimeWindow> lives)
    {
        var endTicks = clock.ToTicks(end);
        lock (_gate)
        {
            foreach (var (start, stop) in _outages)
            {
                outages.Add(new Outage(lane, clock.ToTime(start), clock.ToTime(stop), true));
            }

            if (_lastEcho >= 0 && endTicks - _lastEcho > _silenceTicks)
            {
                outages.Add(new Outage(lane, clock.ToTime(_lastEcho + _intervalTicks), end, false));
            }

            if (_firstEcho >= 0)
            {
                lives.Add(new TimeWindow(clock.ToTime(_firstEcho), end));
            }

            foreach (var r in _reconnects)
            {
                reconnects.Add(new Reconnect(lane, clock.ToTime(r.FailedAt),
                    r.ConnectedAt >= 0 ? clock.ToTime(r.ConnectedAt) : null,
                    r.FirstEchoAt >= 0 ? clock.ToTime(r.FirstEchoAt) : null));
            }
        }
    }

    /// <summary>A failure and its recovery so far; -1 for what has not happened yet.</summary>
    private sealed class Recovery
    {
        public long FailedAt { get; init; }

        public long ConnectedAt { get; set; } = -1;

        public long FirstEchoAt { get; set; } = -1;
    }
}
