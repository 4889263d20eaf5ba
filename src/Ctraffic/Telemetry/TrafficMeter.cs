using System.Diagnostics.Metrics;
using Ctraffic.Statistics;

namespace Ctraffic.Telemetry;

/// <summary>
/// A run's meter and its instruments (<see cref="CtrafficTelemetry"/>). The recorder calls it per
/// packet: with no listener an instrument's <c>Add</c> or <c>Record</c> only checks that none is
/// there, and nothing is allocated; the run-wide tags are the meter's, not each measurement's.
/// </summary>
internal sealed class TrafficMeter : IDisposable
{
    private static readonly double[] RoundTripBuckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _answered;
    private readonly Counter<long> _lost;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _lostConnections;
    private readonly Histogram<double> _roundTrip;
    private readonly Histogram<double> _outage;
    private volatile bool _ended;

    /// <summary>
    /// Creates the meter of a run to <paramref name="address"/> and its instruments; the two callbacks
    /// give the connections open and in an outage now. With a <paramref name="factory"/> the meter is
    /// the factory's (which may give runs with the same tags one meter, and disposes it itself).
    /// </summary>
    public TrafficMeter(HostPort address, string transport, string client, Func<int> active, Func<int> inOutage, IMeterFactory? factory = null)
    {
        var options = new MeterOptions(CtrafficTelemetry.MeterName)
        {
            Version = typeof(TrafficMeter).Assembly.GetName().Version?.ToString(),
            Tags =
            [
                new("server.address", address.Host),
                new("server.port", address.Port),
                new("network.transport", transport),
                new("ctraffic.client", client),
            ],
        };
        _meter = factory?.Create(options) ?? new Meter(options);
        _ownsMeter = factory is null;
        _sent = _meter.CreateCounter<long>(CtrafficTelemetry.PacketsSent, "{packet}", "Packets (requests) written.");
        _answered = _meter.CreateCounter<long>(CtrafficTelemetry.PacketsAnswered, "{packet}", "Packets answered: echoes, successful responses.");
        _lost = _meter.CreateCounter<long>(CtrafficTelemetry.PacketsLost, "{packet}", "Packets lost: no reply, in flight on a lost connection, failed or error response.");
        _dropped = _meter.CreateCounter<long>(CtrafficTelemetry.PacketsDropped, "{packet}", "Packets not sent because the sender fell behind its pace.");
        _lostConnections = _meter.CreateCounter<long>(CtrafficTelemetry.ConnectionsLost, "{connection}", "Connections that ended with an error.");
        _roundTrip = _meter.CreateHistogram(CtrafficTelemetry.RoundTripDuration, "s", "Round-trip time from packet written to echo read.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RoundTripBuckets });
        _outage = _meter.CreateHistogram(CtrafficTelemetry.OutageDuration, "s", "Outages of single connections: no echo for longer than one packet interval plus the outage threshold.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RoundTripBuckets });
        // Observed while the run lasts: a factory's meter outlives it, and an ended run has nothing open.
        _meter.CreateObservableUpDownCounter(CtrafficTelemetry.ConnectionsActive, () => Observe(active), "{connection}", "Connections open now.");
        _meter.CreateObservableUpDownCounter(CtrafficTelemetry.ConnectionsInOutage, () => Observe(inOutage), "{connection}", "Open connections in an outage now.");
    }

    public void Sent() => _sent.Add(1);

    public void Answered(double roundTripSeconds)
    {
        _answered.Add(1);
        _roundTrip.Record(roundTripSeconds);
    }

    public void Lost() => _lost.Add(1);

    public void Dropped(int count) => _dropped.Add(count);

    public void Outage(double seconds) => _outage.Record(seconds);

    public void LostConnection(ConnectionEndKind kind, string host)
    {
        if (_lostConnections.Enabled)
        {
            _lostConnections.Add(1, new KeyValuePair<string, object?>("ctraffic.connection.end_kind", EndKindName(kind)), new KeyValuePair<string, object?>("ctraffic.host", host));
        }
    }

    public void Dispose()
    {
        _ended = true;
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private IEnumerable<Measurement<int>> Observe(Func<int> value) => _ended ? [] : [new Measurement<int>(value())];

    /// <summary>The end kind as a tag value: <c>peer_closed</c>, <c>reset</c>, <c>read_timeout</c>, ...</summary>
    internal static string EndKindName(ConnectionEndKind kind) => kind switch
    {
        ConnectionEndKind.PeerClosed => "peer_closed",
        ConnectionEndKind.ReadTimeout => "read_timeout",
        ConnectionEndKind.ConnectRefused => "connect_refused",
        ConnectionEndKind.ConnectTimeout => "connect_timeout",
        ConnectionEndKind.Reset => "reset",
        ConnectionEndKind.Unreachable => "unreachable",
        ConnectionEndKind.Completed => "completed",
        ConnectionEndKind.Stopped => "stopped",
        ConnectionEndKind.Open => "open",
        _ => "other",
    };
}
