using System.Net;
using System.Net.Sockets;
using Ctraffic.Client.Recording;
using Ctraffic.Internal;
using Ctraffic.Statistics;

namespace Ctraffic.Client;

/// <summary>
/// A running traffic client: holds <see cref="TrafficOptions.Connections"/> TCP connections (or
/// UDP sockets) to a ctraffic server, each sending packets at its share of the rate and reading
/// their echoes, and records what happens. Start it with <see cref="Start"/>; it ends by itself when the duration
/// has elapsed, or when stopped.
/// </summary>
public sealed partial class TrafficRun : IAsyncDisposable
{
    private static readonly TimeSpan TwoSecondRule = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MaxStartSpread = TimeSpan.FromSeconds(1);

    private readonly TrafficOptions _options;
    private readonly TimeProvider _time;
    private readonly HostPort[] _targets;
    private int _nextTarget = -1;
    private readonly int _packetSize;
    private readonly double _bytesPerSecondPerConnection;
    private readonly long _startTs;
    private readonly long _deadlineTs;
    private readonly long _lateConnectTs;
    private readonly long _readTimeoutTicks;
    private readonly int _maxSlots;
    private readonly Lane[] _lanes;
    private readonly Pacer _pacer;
    private readonly ITimer _heartbeat;
    private readonly ITimer _sampler;
    private readonly Lock _gate = new();
    private readonly List<ConnectionState> _slots = [];
    private readonly List<Sample> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenRegistration _externalCancel;
    private readonly Task<TrafficStatistics> _completion;
    private long _failedConnections;
    private long _failedConnects;
    private int _endReason = -1;
    private volatile bool _finished;
    private string? _lastError;

    private TrafficRun(TrafficOptions options, CancellationToken cancellationToken)
    {
        _options = options;
        _time = options.TimeProvider;
        _targets = TrafficOptions.ParseAddresses(options.Address);
        _packetSize = options.EffectivePacketSize;
        _bytesPerSecondPerConnection = options.RateKBps * 1024 / options.Connections;
        _readTimeoutTicks = ToTicks(options.ReadTimeout);
        _maxSlots = options.Connections * options.Retries;
        Started = _time.GetUtcNow();
        _startTs = _time.GetTimestamp();
        _deadlineTs = options.Duration is { } d ? _startTs + ToTicks(d) : long.MaxValue;
        _lateConnectTs = options.Duration is { } d2 ? _deadlineTs - ToTicks(TwoSecondRule) : long.MaxValue;
        _pacer = new Pacer(_time);
        _slices = new SliceLog(_time.TimestampFrequency);
        _ticksPerMicrosecond = Math.Max(1, _time.TimestampFrequency / 1_000_000);
        _outageTicks = ToTicks(options.OutageThreshold);
        _timerTickTicks = ToTicks(TimeSpan.FromMilliseconds(1));

        // Connects are spread evenly over one packet interval (at most a second), and the first
        // packets evenly over one packet interval, so that neither come in bursts. Then each
        // connection sends one packet per interval.
        var interval = ToTicks(TimeSpan.FromSeconds(_packetSize / _bytesPerSecondPerConnection));
        _intervalTicks = interval;
        var connectSpread = Math.Min(interval, ToTicks(MaxStartSpread));
        _lanes = new Lane[options.Connections];
        for (var i = 0; i < _lanes.Length; i++)
        {
            _lanes[i] = new Lane(i, (long)((Int128)connectSpread * i / _lanes.Length), (long)((Int128)interval * i / _lanes.Length));
        }

        _heartbeat = _time.CreateTimer(static s => ((TrafficRun)s!).Heartbeat(), this, HeartbeatPeriod, HeartbeatPeriod);
        _sampler = _time.CreateTimer(static s => ((TrafficRun)s!).TakeSample(), this, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        _externalCancel = cancellationToken.Register(static s => ((TrafficRun)s!).RequestStop(TrafficEndReason.Stopped), this);
        _completion = RunAsync();
    }

    /// <summary>How often in-flight I/O is checked against its deadline.</summary>
    internal static TimeSpan HeartbeatPeriod { get; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Wall-clock time (UTC) at which the run started.</summary>
    public DateTimeOffset Started { get; }

    /// <summary>The options of this run (a copy; changing it has no effect).</summary>
    public TrafficOptions Options => _options.Clone();

    /// <summary>Time since the run started.</summary>
    public TimeSpan Elapsed => ToTime(_time.GetTimestamp() - _startTs);

    /// <summary>Completes with the final statistics when the run has ended.</summary>
    public Task<TrafficStatistics> Completion => _completion;

    /// <summary>Starts a run.</summary>
    /// <param name="options">What to run; validated first.</param>
    /// <param name="cancellationToken">Stops the run when cancelled (the statistics are still produced).</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static TrafficRun Start(TrafficOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone();
        options.Validate();
        return new TrafficRun(options, cancellationToken);
    }

    /// <summary>The live counters, as the monitor line shows them.</summary>
    public TrafficSnapshot Snapshot()
    {
        int active = 0, connecting = 0, echoing = 0;
        long sent = 0, received = 0, dropped = 0;
        var recent = _time.GetTimestamp() - _startTs - _intervalTicks - _outageTicks;
        foreach (var lane in _lanes)
        {
            sent += Volatile.Read(ref lane.Sent);
            received += Volatile.Read(ref lane.Received);
            dropped += Volatile.Read(ref lane.Dropped);
            switch (lane.Current?.Phase)
            {
                case ConnectionPhase.Active:
                    active++;
                    if (Volatile.Read(ref lane.History.LastEcho) >= recent)
                    {
                        echoing++;
                    }

                    break;
                case ConnectionPhase.Connecting: connecting++; break;
            }
        }

        return new TrafficSnapshot(Elapsed, active, Interlocked.Read(ref _failedConnections), connecting,
            sent, received, dropped, Interlocked.Read(ref _failedConnects), echoing);
    }

    /// <summary>The statistics so far (final once <see cref="Completion"/> has completed).</summary>
    public TrafficStatistics GetStatistics()
    {
        var now = _time.GetTimestamp();
        ConnectionStats[] conns;
        Sample[] samples;
        lock (_gate)
        {
            conns = new ConnectionStats[_slots.Count];
            for (var i = 0; i < conns.Length; i++)
            {
                conns[i] = _slots[i].ToStats(now - _startTs, ToTime);
            }

            samples = [.. _samples];
        }

        var snapshot = Snapshot();
        long retransmits = 0;
        foreach (var c in conns)
        {
            retransmits += c.Retransmits;
        }

        return new TrafficStatistics
        {
            Started = Started,
            Duration = _finished ? FinalDuration : ToTime(now - _startTs),
            Rate = _options.RateKBps,
            Connections = _options.Connections,
            PacketSize = _packetSize,
            FailedConnections = snapshot.FailedConnections,
            Sent = snapshot.Sent,
            Received = snapshot.Received,
            Dropped = snapshot.Dropped,
            Retransmits = retransmits,
            FailedConnects = snapshot.FailedConnects,
            ConnStats = conns,
            Samples = samples,
            PacingLagP99 = TimeSpan.FromTicks(_pacingLag.ValueAtPercentile(99) * 10),
            PacingLagMax = TimeSpan.FromTicks(_pacingLag.Max * 10),
            DroppedLocal = Interlocked.Read(ref _droppedLocal),
            EndReason = _finished ? EndReason : null,
        };
    }

    /// <summary>The latest error of a connect attempt or a connection (Go's wording), or <see langword="null"/> if none yet.</summary>
    public string? LastError
    {
        get => Volatile.Read(ref _lastError);
        private set => Volatile.Write(ref _lastError, value);
    }

    /// <summary>Why the run ended; <see langword="null"/> while it runs.</summary>
    public TrafficEndReason? EndReason
    {
        get
        {
            var r = Volatile.Read(ref _endReason);
            return r < 0 ? null : (TrafficEndReason)r;
        }
    }

    /// <summary>Stops the run (the in-flight echoes are still awaited, at most the read time-out) and returns the final statistics.</summary>
    public Task<TrafficStatistics> StopAsync()
    {
        RequestStop(TrafficEndReason.Stopped);
        return _completion;
    }

    /// <summary>Stops the run and releases every socket.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
        _connectsEnd.Dispose();
        _connectSlots.Dispose();
    }

    private TimeSpan FinalDuration { get; set; }

    private async Task<TrafficStatistics> RunAsync()
    {
        await Task.Yield();
        var lanes = new Task[_lanes.Length];
        for (var i = 0; i < lanes.Length; i++)
        {
            lanes[i] = RunLaneAsync(_lanes[i]);
        }

        await Task.WhenAll(lanes).ConfigureAwait(false);
        var end = _time.GetTimestamp();
        _heartbeat.Dispose();
        _sampler.Dispose();
        _pacer.Dispose();
        await _externalCancel.DisposeAsync().ConfigureAwait(false);
        FinalDuration = ToTime(end - _startTs);
        Interlocked.CompareExchange(ref _endReason,
            (int)(end >= _lateConnectTs ? TrafficEndReason.DurationElapsed : TrafficEndReason.AllConnectionsEnded), -1);
        _finished = true;
        return GetStatistics();
    }

    private void RequestStop(TrafficEndReason reason)
    {
        Interlocked.CompareExchange(ref _endReason, (int)reason, -1);
        try
        {
            _stop.Cancel();
            _connectsEnd.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        _pacer.Stop();
    }

    private async Task RunLaneAsync(Lane lane)
    {
        if (!await _pacer.DelayUntilAsync(lane.Waiter, _startTs + lane.StartOffset).ConfigureAwait(false))
        {
            return;
        }

        // The original's 2-second rule: no re-connect when less than 2 s remain. (The first
        // connect of a lane is always made, so that runs shorter than 2 s work.)
        while (!_stop.IsCancellationRequested && (lane.Connections == 0 || _time.GetTimestamp() < _lateConnectTs))
        {
            var conn = TakeSlot(lane);
            if (conn is null)
            {
                RequestStop(TrafficEndReason.TooManyReconnects);
                return;
            }

            lane.Current = conn;
            var udp = _options.Protocol == TrafficProtocol.Udp;
            var socket = await ConnectAsync(conn, lane).ConfigureAwait(false);
            if (socket is null)
            {
                var now = _time.GetTimestamp();
                conn.EndedTicks = (now >= _lateConnectTs && _deadlineTs != long.MaxValue ? _deadlineTs : now) - _startTs;
                conn.Phase = ConnectionPhase.Ended;
                return;
            }

            conn.TcpSocket = udp ? null : socket;
            var failed = await (udp ? PumpUdpAsync(conn, lane, socket) : PumpAsync(conn, lane, socket)).ConfigureAwait(false);
            conn.TcpSocket = null;
            CountRetransmits(conn, conn.Retransmits, _time.GetTimestamp());
            if (!failed)
            {
                return;
            }

            Interlocked.Increment(ref _failedConnections);
            RecordFailure(lane, _time.GetTimestamp());
            if (!_options.Reconnect)
            {
                return;
            }

            // A connection that failed before its first echo (e.g. a proxy that accepts and then
            // resets) is re-made after the connect back-off, not at once: no hot re-connect loop.
            if (conn.Received == 0)
            {
                if (!await _pacer.DelayUntilAsync(lane.Waiter, _time.GetTimestamp() + ToTicks(lane.FailBackoff)).ConfigureAwait(false))
                {
                    return;
                }

                lane.FailBackoff = lane.FailBackoff * 2 < _options.MaxConnectBackoff ? lane.FailBackoff * 2 : _options.MaxConnectBackoff;
            }
            else
            {
                lane.FailBackoff = FirstBackoff;
            }
        }
    }

    private ConnectionState? TakeSlot(Lane lane)
    {
        lock (_gate)
        {
            if (_slots.Count >= _maxSlots)
            {
                return null;
            }

            var conn = new ConnectionState(_slots.Count, lane.Index, _time.GetTimestamp() - _startTs);
            lane.Connections++;
            _slots.Add(conn);
            return conn;
        }
    }

    private void Heartbeat()
    {
        var now = _time.GetTimestamp();
        if (now >= _deadlineTs && !_connectsEnd.IsCancellationRequested)
        {
            try
            {
                _connectsEnd.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        foreach (var lane in _lanes)
        {
            var deadline = Volatile.Read(ref lane.IoDeadline);
            if (deadline != 0 && now > deadline && !lane.TimedOut)
            {
                lane.TimedOut = true;
                try
                {
                    lane.Io?.Cancel();
                }
                catch (ObjectDisposedException)
                {
                }
            }

            SampleRetransmits(lane, now);
        }
    }

    private void TakeSample()
    {
        var s = Snapshot();
        lock (_gate)
        {
            if (!_finished)
            {
                _samples.Add(new Sample(s.Elapsed, s.Sent, s.Received, s.Dropped));
            }
        }
    }

    private long ToTicks(TimeSpan t) => (long)((Int128)t.Ticks * _time.TimestampFrequency / TimeSpan.TicksPerSecond);

    private TimeSpan ToTime(long ticks) => TimeSpan.FromTicks((long)((Int128)ticks * TimeSpan.TicksPerSecond / _time.TimestampFrequency));

    private long SinceStart() => _time.GetTimestamp() - _startTs;

    /// <summary>One of the <see cref="TrafficOptions.Connections"/> connections: re-connects in new slots.</summary>
    private sealed class Lane(int index, long startOffset, long firstPacketOffset)
    {
        public readonly int Index = index;
        public readonly long StartOffset = startOffset;
        public readonly long FirstPacketOffset = firstPacketOffset;
        public readonly PacerWaiter Waiter = new();
        public readonly LaneHistory History = new();
        public int Connections;
        public long Sent;
        public long Received;
        public long Dropped;
        public long IoDeadline;
        public long LastWakeLag;
        public long WaitedFor;
        public TimeSpan FailBackoff = FirstBackoff;
        public volatile bool TimedOut;
        public volatile ConnectionState? Current;
        public volatile CancellationTokenSource? Io;
        public IPEndPoint? SourceAddress;
    }
}
