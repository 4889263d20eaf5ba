using Ctraffic.Reports;
using Ctraffic.Statistics;

namespace Ctraffic.Testing.Verdicts;

/// <summary>The checks of the requests of an HTTP, HTTP/2 or gRPC run (<see cref="TrafficReport.Requests"/>).</summary>
public static partial class TrafficVerdicts
{
    /// <summary>
    /// No request failed in the window (reset, read time-out, protocol error, cut off before its
    /// response was whole). Each such request loses its connection, so these are the window's lost
    /// connections: a request in flight when a disruption began fails in the disruption's window,
    /// not in the one before it, where it was sent (<see cref="RequestOutcomes.Failed"/> counts by
    /// send time, and the message gives it when it differs). The message says when, on which
    /// instance (host) and how, with the first one's error. An error response (a 503) is an answer,
    /// not a failed request (<see cref="NoErrorResponses"/>).
    /// </summary>
    /// <param name="report">The report or window.</param>
    /// <returns>The verdict.</returns>
    /// <exception cref="InvalidOperationException">The traffic is echo traffic, which has no requests.</exception>
    public static TrafficVerdict FailedNoRequests(TrafficReport report)
    {
        var requests = RequestsOf(report, "HaveFailedNoRequests");
        return TrafficVerdict.Of(report.LostConnections.Count == 0, "no failed requests", () => $"{DescribeFailed(report, requests)}{Where(report)}");
    }

    /// <summary>No request sent in the window got an error response (a status outside the success set): the message counts them by status.</summary>
    /// <param name="report">The report or window.</param>
    /// <returns>The verdict.</returns>
    /// <exception cref="InvalidOperationException">The traffic is echo traffic, which has no requests.</exception>
    public static TrafficVerdict NoErrorResponses(TrafficReport report)
    {
        var requests = RequestsOf(report, "HaveNoErrorResponses");
        return TrafficVerdict.Of(requests.ErrorResponses == 0, "no error responses", () => $"{DescribeErrors(requests)}{Where(report)}");
    }

    /// <summary>
    /// Every request succeeded or was still in flight at the end: none failed in the window
    /// (<see cref="FailedNoRequests"/>) and none sent in it got an error response.
    /// </summary>
    /// <param name="report">The report or window.</param>
    /// <returns>The verdict.</returns>
    /// <exception cref="InvalidOperationException">The traffic is echo traffic, which has no requests.</exception>
    public static TrafficVerdict SucceededEveryRequest(TrafficReport report)
    {
        var requests = RequestsOf(report, "HaveSucceededEveryRequest");
        var failed = report.LostConnections.Count > 0;
        return TrafficVerdict.Of(!failed && requests.ErrorResponses == 0, "every request to succeed", () =>
        {
            var parts = new List<string>();
            if (failed)
            {
                parts.Add(DescribeFailed(report, requests));
            }

            if (requests.ErrorResponses > 0)
            {
                parts.Add(DescribeErrors(requests));
            }

            return string.Join("; ", parts) + Where(report);
        });
    }

    /// <summary>The requests of <paramref name="report"/>; echo traffic has none, and the message names the assertion and what to use instead.</summary>
    private static RequestOutcomes RequestsOf(TrafficReport report, string assertion)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.Requests ?? throw new InvalidOperationException(
            $"{assertion} is for HTTP, HTTP/2 and gRPC traffic (o.Client = TrafficClient.Http, Http2 or Grpc); this is echo traffic, which sends packets, not requests: use HaveLostNoConnections and HaveLostNoPackets");
    }

    /// <summary>The requests that failed in the window (its lost connections), with those sent in it if they differ.</summary>
    private static string DescribeFailed(TrafficReport report, RequestOutcomes requests)
    {
        var lost = report.LostConnections;
        var sent = $"{requests.Failed} of the {requests.Sent} requests sent in it failed";
        var first = lost.MinBy(c => c.Ended)!;
        var error = first.Error is { Length: > 0 } text ? $"; the first: {text}" : "";
        var counted = requests.Failed == lost.Count ? "" : $" ({sent})";
        return $"{lost.Count} {(lost.Count == 1 ? "request" : "requests")} failed {When(report, lost)}, {OnHosts(lost)}: {ConnectionEnds.Summarize(lost.Select(c => c.EndKind))}{error}{counted}";
    }

    private static string DescribeErrors(RequestOutcomes requests)
        => $"{requests.ErrorResponses} of {requests.Sent} requests got an error response " +
           $"({string.Join(", ", requests.ErrorStatuses.Select(s => $"{s.Value} x {s.Key}"))})";
}
