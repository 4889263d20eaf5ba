namespace Ctraffic.Telemetry;

/// <summary>
/// The names under which a run publishes what it records, for OpenTelemetry or any
/// <see cref="System.Diagnostics.Metrics.MeterListener"/> and <see cref="System.Diagnostics.ActivityListener"/>:
/// one <see cref="System.Diagnostics.Metrics.Meter"/> per run named <see cref="MeterName"/>, whose
/// tags (<c>server.address</c>, <c>server.port</c>, <c>network.transport</c>, <c>ctraffic.client</c>)
/// tell the runs apart, and one activity of the source <see cref="ActivitySourceName"/> per
/// disruption. Names follow the OpenTelemetry semantic conventions: durations in seconds, counts
/// in units such as <c>{packet}</c>. For HTTP, HTTP/2 and gRPC clients a packet is a request.
/// </summary>
public static class CtrafficTelemetry
{
    /// <summary>The name of every run's meter: <c>Ctraffic</c>.</summary>
    public const string MeterName = "Ctraffic";

    /// <summary>The name of the activity source of the disruptions: <c>Ctraffic</c>.</summary>
    public const string ActivitySourceName = "Ctraffic";

    /// <summary>The operation name of a disruption's activity: <c>ctraffic.disruption</c> (its display name is the disruption's name).</summary>
    public const string DisruptionActivity = "ctraffic.disruption";

    /// <summary>Counter of packets (requests) written, <c>{packet}</c>.</summary>
    public const string PacketsSent = "ctraffic.packets.sent";

    /// <summary>Counter of packets answered: echoes, successful responses, <c>{packet}</c>.</summary>
    public const string PacketsAnswered = "ctraffic.packets.answered";

    /// <summary>Counter of packets lost: UDP datagrams without a reply, TCP packets in flight on a lost connection, failed requests and error responses, <c>{packet}</c>.</summary>
    public const string PacketsLost = "ctraffic.packets.lost";

    /// <summary>Counter of packets not sent because the sender fell behind its pace (the original's <c>Dropped</c>), <c>{packet}</c>.</summary>
    public const string PacketsDropped = "ctraffic.packets.dropped";

    /// <summary>Counter of connections that ended with an error, <c>{connection}</c>, with the tags <c>ctraffic.connection.end_kind</c> and <c>ctraffic.host</c>.</summary>
    public const string ConnectionsLost = "ctraffic.connections.lost";

    /// <summary>Up-down counter (observed) of connections open now, <c>{connection}</c>.</summary>
    public const string ConnectionsActive = "ctraffic.connections.active";

    /// <summary>Up-down counter (observed) of open connections in an outage now — no echo for longer than one packet interval plus the outage threshold, <c>{connection}</c>.</summary>
    public const string ConnectionsInOutage = "ctraffic.connections.in_outage";

    /// <summary>Histogram of round-trip times (packet written to echo read), in seconds.</summary>
    public const string RoundTripDuration = "ctraffic.round_trip.duration";

    /// <summary>Histogram of the outages of single connections, recorded when each ends (the echo that ends it), in seconds.</summary>
    public const string OutageDuration = "ctraffic.outage.duration";
}
