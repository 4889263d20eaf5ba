namespace Ctraffic.Reports;

/// <summary>
/// The requests of an HTTP, HTTP/2 or gRPC run sent in a window, by what became of them
/// (<see cref="TrafficReport.Requests"/>). Like packets, requests belong to the window of their
/// send time with their outcome, so <c>Sent = Succeeded + ErrorResponses + Failed + InFlight</c> in
/// every window, and windows that start or end at marks are exact.
/// </summary>
public sealed record RequestOutcomes
{
    /// <summary>Requests sent in the window.</summary>
    public long Sent { get; init; }

    /// <summary>Requests answered with a status of the success set (2xx by default; gRPC: OK and SERVING).</summary>
    public long Succeeded { get; init; }

    /// <summary>Requests answered with another status (a 503, a gRPC error): the server answered, the connection went on.</summary>
    public long ErrorResponses { get; init; }

    /// <summary>Requests that got no response: reset, read time-out, protocol error; each one lost its connection.</summary>
    public long Failed { get; init; }

    /// <summary>Requests still awaiting their response when the report was made or the run stopped (not a failure).</summary>
    public long InFlight { get; init; }

    /// <summary>The error responses by status (<c>"503"</c>, <c>"grpc NOT_SERVING"</c>), most first.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> ErrorStatuses { get; init; } = [];

    /// <inheritdoc/>
    public override string ToString()
        => $"{Sent} requests: {Succeeded} succeeded, {ErrorResponses} error responses" +
           (ErrorStatuses.Count == 0 ? "" : $" ({string.Join(", ", ErrorStatuses.Select(s => $"{s.Key} x{s.Value}"))})") +
           $", {Failed} failed, {InFlight} in flight";
}
