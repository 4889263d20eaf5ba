using Ctraffic.Client.Connecting;
using Ctraffic.Client.Exchanges;
using Ctraffic.Client.Http;
using Ctraffic.Client.Lanes;
using Ctraffic.Client.Recording;
using Ctraffic.Internal;
using Ctraffic.Reports;
using Ctraffic.Statistics;
using Ctraffic.Telemetry;

namespace Ctraffic.Client;

/// <summary>
/// A running traffic client: holds <see cref="TrafficOptions.Connections"/> TCP connections (or
/// UDP sockets) to a ctraffic server, each sending packets at its share of the rate and reading
/// their echoes, and records what happens. Start it with <see cref="Start"/>; it ends by itself when the duration
/// has elapsed, or when stopped.
/// </summary>
public sealed class TrafficRun : IAsyncDisposable
{
    private static readonly TimeSpan MaxStartSpread = TimeSpan.FromSeconds(1);

    private readonly TrafficOptions _options;
    private readonly TimeProvider _time;
    private readonly RunClock _clock;
    private readonly long _deadline;
    private readonly long _intervalTicks;
    private readonly Lane[] _lanes;
    private readonly Pacer _pacer;
    private readonly EndWatch? _ends;
    private readonly TrafficRecorder _recorder;
    private readonly TrafficMeter _meter;
    private readonly HostPort _target;
    private readonly Connector _connector;
    private readonly LaneRunner _runner;
    private readonly HttpTraffic? _http;
    private readonly ITimer _heartbeat;
    private readonly ITimer _sampler;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenRegistration _externalCancel;
    private readonly Task<TrafficStatistics> _completion;
    private int _endReason = -1;
    private volatile bool _finished;

    private TrafficRun(TrafficOptions options, CancellationToken cancellationToken)
    {
        _options = options;
        _time = options.TimeProvider;
        Started = _time.GetUtcNow();
        _clock = new RunClock(_time.GetTimestamp(), _time.TimestampFrequency);
        _deadline = options.Duration is { } d ? _clock.Start + _clock.ToTicks(d) : long.MaxValue;
        _pacer = new Pacer(_time);
        var packetSize = options.EffectivePacketSize;
        // HTTP requests are paced as packets of the packet size: at the request rate.
        var bytesPerSecond = options.Client == TrafficClient.Echo
            ? options.RateKBps * 1024 / options.Connections
            : options.RequestRate * packetSize / options.Connections;

        // Connects are spread evenly over one packet interval (at most a second), and the first
        // packets evenly over one packet interval, so that neither come in bursts. Then each
        // connection sends one packet per interval.
        _intervalTicks = _clock.ToTicks(TimeSpan.FromSeconds(packetSize / bytesPerSecond));
        _lanes = Lane.Spread(options.Connections, Math.Min(_intervalTicks, _clock.ToTicks(MaxStartSpread)), _intervalTicks);

        _target = Target(options.Address);
        _meter = new TrafficMeter(_target, options.Protocol == TrafficProtocol.Udp ? "udp" : "tcp", ClientName(options.Client),
            () => Snapshot().Active, () => _recorder!.InOutage(_time.GetTimestamp()), options.MeterFactory);
        _recorder = new TrafficRecorder(options.Connections, options.Connections * options.Retries, _clock, _intervalTicks, _clock.ToTicks(options.OutageThreshold), options.HostRoundTrips, _meter);
        Action<TrafficEndReason> requestStop = RequestStop;
        _ends = options.Protocol == TrafficProtocol.Tcp ? EndWatch.TryCreate(EndSeen) : null;
        var run = new RunContext(_time, _clock, _deadline, _pacer, _recorder, requestStop, _ends, _stop.Token);
        _connector = new Connector(options, run);
        var loop = new PacedLoop(run, packetSize, bytesPerSecond, _intervalTicks, _clock.ToTicks(options.ReadTimeout));
        _http = options.Client == TrafficClient.Echo ? null : new HttpTraffic(options, run, _connector);
        _runner = new LaneRunner(options, run, _connector, loop, _http);
        _heartbeat = _time.CreateTimer(static s => ((TrafficRun)s!).Heartbeat(), this, HeartbeatPeriod, HeartbeatPeriod);
        _sampler = _time.CreateTimer(static s => ((TrafficRun)s!).TakeSample(), this, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        _externalCancel = cancellationToken.Register(static s => ((TrafficRun)s!).RequestStop(TrafficEndReason.Stopped), this);
        _completion = RunAsync();
    }

    /// <summary>How often in-flight I/O is checked against its deadline, and TCP retransmits are sampled.</summary>
    internal static TimeSpan HeartbeatPeriod { get; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Wall-clock time (UTC) at which the run started.</summary>
    public DateTimeOffset Started { get; }

    /// <summary>The options of this run (a copy; changing it has no effect).</summary>
    public TrafficOptions Options => _options.Clone();

    /// <summary>Time since the run started.</summary>
    public TimeSpan Elapsed => _clock.ToTime(_clock.Since(_time.GetTimestamp()));

    /// <summary>The interval between two packets of one connection.</summary>
    public TimeSpan PacketInterval => _clock.ToTime(_intervalTicks);

    /// <summary>Completes with the final statistics when the run has ended.</summary>
    public Task<TrafficStatistics> Completion => _completion;

    /// <summary>The latest error of a connect attempt or a connection (Go's wording), or <see langword="null"/> if none yet.</summary>
    public string? LastError => _recorder.LastError;

    /// <summary>Why the run ended; <see langword="null"/> while it runs.</summary>
    public TrafficEndReason? EndReason
    {
        get
        {
            var r = Volatile.Read(ref _endReason);
            return r < 0 ? null : (TrafficEndReason)r;
        }
    }

    private TimeSpan FinalDuration { get; set; }

    /// <summary>Starts a run.</summary>
    /// <param name="options">What to run; validated first.</param>
    /// <param name="cancellationToken">Stops the run when cancelled (the statistics are still produced).</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static TrafficRun Start(TrafficOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone();
        options.Validate();
        if (options.Client != TrafficClient.Echo)
        {
            Http.HttpWarmUp.Once(options.Client);
        }

        return new TrafficRun(options, cancellationToken);
    }

    /// <summary>The live counters, as the monitor line shows them.</summary>
    public TrafficSnapshot Snapshot() => _recorder.Snapshot(_time.GetTimestamp());

    /// <summary>The statistics so far (final once <see cref="Completion"/> has completed).</summary>
    public TrafficStatistics GetStatistics()
    {
        var now = _time.GetTimestamp();
        return _recorder.Statistics(now, new TrafficStatistics
        {
            Started = Started,
            Duration = _finished ? FinalDuration : _clock.ToTime(_clock.Since(now)),
            Rate = _options.Client == TrafficClient.Echo ? _options.RateKBps : _options.RequestRate,
            Connections = _options.Connections,
            PacketSize = _options.EffectivePacketSize,
            EndReason = _finished ? EndReason : null,
            Http = _http?.Outcomes.Statistics(),
        });
    }

    /// <summary>
    /// The report of the run so far (final once <see cref="Completion"/> has completed): the
    /// statistics plus round-trip times, outages, reconnects, per-host counts and marks.
    /// </summary>
    public TrafficReport GetReport()
    {
        // Round trips before the counters: one consistent snapshot while the run goes on (see TrafficReport).
        var live = !_finished;
        var rtt = live ? _recorder.Rtt() : null;
        var stats = GetStatistics();
        var end = _finished
            ? (_deadline == long.MaxValue || stats.Duration < _clock.ToTime(_clock.Since(_deadline)) ? stats.Duration : _clock.ToTime(_clock.Since(_deadline)))
            : Elapsed;
        return _recorder.Report(stats, end, live, rtt);
    }

    /// <summary>Marks this moment of the run with a name, for windows of the report.</summary>
    /// <param name="name">The name; windows are taken by it.</param>
    public void Mark(string name) => _recorder.Mark(name, _time.GetTimestamp());

    /// <summary>
    /// Marks the start of a disruption (a named span); disposing the result marks its end. The
    /// disruption is also an activity of the source <see cref="CtrafficTelemetry.ActivitySourceName"/>.
    /// </summary>
    /// <param name="name">The name; windows are taken by it.</param>
    public IDisposable Disruption(string name) => Disruption(name, null);

    /// <summary>
    /// Marks the start of a disruption whose source counts what crossed it (a fault proxy does):
    /// <paramref name="contact"/> is asked when the disruption ends (and for a report taken while it
    /// goes on), and its answer is in the report's <see cref="DisruptionEffect.Contact"/> and on the
    /// disruption's activity. Disposing the result marks the end.
    /// </summary>
    /// <param name="name">The name; windows are taken by it.</param>
    /// <param name="contact">What crossed the disruption so far, or <see langword="null"/> if its source does not count it.</param>
    public IDisposable Disruption(string name, Func<DisruptionContact>? contact)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new DisruptionSpan(_recorder, name, contact, _time, _target);
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
        _connector.Dispose();
    }

    private async Task<TrafficStatistics> RunAsync()
    {
        await Task.Yield();
        var lanes = new Task[_lanes.Length];
        for (var i = 0; i < lanes.Length; i++)
        {
            lanes[i] = _runner.RunAsync(_lanes[i]);
        }

        await Task.WhenAll(lanes).ConfigureAwait(false);
        var end = _time.GetTimestamp();
        _heartbeat.Dispose();
        _sampler.Dispose();
        _pacer.Dispose();
        _ends?.Dispose();
        await _externalCancel.DisposeAsync().ConfigureAwait(false);
        FinalDuration = _clock.ToTime(_clock.Since(end));
        Interlocked.CompareExchange(ref _endReason,
            (int)(_connector.IsLate(end) ? TrafficEndReason.DurationElapsed : TrafficEndReason.AllConnectionsEnded), -1);
        _recorder.Seal();
        _finished = true;
        _meter.Dispose();
        return GetStatistics();
    }

    /// <summary>The first address of <paramref name="address"/> (a comma list is taken in turn), for the meter's tags.</summary>
    private static HostPort Target(string address)
    {
        var first = address.Split(',')[0].Trim();
        return HostPort.TryParse(first, out var target, out _) ? target : new HostPort(first, 0);
    }

    private static string ClientName(TrafficClient client) => client switch
    {
        TrafficClient.Http => "http",
        TrafficClient.Http2 => "h2",
        TrafficClient.Grpc => "grpc",
        _ => "echo",
    };

    private void RequestStop(TrafficEndReason reason)
    {
        Interlocked.CompareExchange(ref _endReason, (int)reason, -1);
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        _connector.EndConnects();
        _pacer.Stop();
    }

    /// <summary>Every 100 ms: ends the connect waits once the time is up, times out late I/O, samples the TCP retransmits.</summary>
    private void Heartbeat()
    {
        var now = _time.GetTimestamp();
        if (now >= _deadline)
        {
            _connector.EndConnects();
        }

        foreach (var lane in _lanes)
        {
            lane.Io.Check(now);
            lane.Exchange?.Sample(now);
        }
    }

    private void TakeSample() => _recorder.AddSample(Snapshot());

    /// <summary>The end watch saw the connection in <paramref name="slot"/> of <paramref name="lane"/> end: its end is recorded now, and the lane woken to read it.</summary>
    private void EndSeen(int lane, int slot)
    {
        if ((uint)lane < (uint)_lanes.Length && _lanes[lane].Exchange?.Connection is { } conn && conn.Slot == slot
            && conn.SeeEnd(_time.GetTimestamp()))
        {
            _pacer.Wake(_lanes[lane].Waiter);
        }
    }
}
