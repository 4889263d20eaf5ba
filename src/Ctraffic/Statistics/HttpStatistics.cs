namespace Ctraffic.Statistics;

/// <summary>
/// The requests of an HTTP, HTTP/2 or gRPC run by outcome (see <see cref="TrafficStatistics.Http"/>).
/// A request is one of the run's packets: <see cref="TrafficStatistics.Sent"/> counts requests and
/// <see cref="TrafficStatistics.Received"/> the successful ones; the rest are error responses,
/// failed requests, or still in flight at the end.
/// </summary>
public sealed record HttpStatistics
{
    /// <summary>The client type: <c>http</c>, <c>h2</c> or <c>grpc</c>.</summary>
    public string Client { get; init; } = "";

    /// <summary>Responses that were not a success (a status outside the success set; for gRPC a grpc-status other than OK, or NOT_SERVING).</summary>
    public long ErrorResponses { get; init; }

    /// <summary>
    /// Requests that got no response as the application saw it: reset, time-out, protocol error.
    /// Each one also failed its connection (a lost connection, <see cref="TrafficStatistics.FailedConnections"/>).
    /// </summary>
    public long FailedRequests { get; init; }

    /// <summary>
    /// Connections the server closed between requests (<c>Connection: close</c>, GOAWAY, an idle
    /// close): re-made by the HTTP client without a failed request, as any HTTP client does.
    /// </summary>
    public long ClosedByServer { get; init; }

    /// <summary>Responses by status: <c>"200"</c>, <c>"503"</c>; for gRPC also <c>"grpc 14"</c> (grpc-status) and <c>"grpc NOT_SERVING"</c>.</summary>
    public IReadOnlyDictionary<string, long> Statuses { get; init; } = new Dictionary<string, long>();

    /// <summary>
    /// Attempts on the wire: requests that reached the lane's <c>SocketsHttpHandler</c>. More than
    /// the requests when a handler of the test (e.g. a retry policy) re-sent some.
    /// </summary>
    public long WireAttempts { get; init; }

    /// <summary>Attempts that failed on the wire (an exception from the handler), retried or not.</summary>
    public long WireFailures { get; init; }
}
