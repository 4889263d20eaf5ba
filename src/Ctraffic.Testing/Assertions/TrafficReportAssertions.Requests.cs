using Ctraffic.Reports;
using FluentAssertions;

namespace Ctraffic.Testing.Assertions;

/// <summary>The assertions on the requests of an HTTP, HTTP/2 or gRPC run (<see cref="TrafficReport.Requests"/>).</summary>
public sealed partial class TrafficReportAssertions
{
    /// <summary>
    /// No request sent in the window failed (reset, read time-out, protocol error): the message
    /// names how many, the connections they were lost with, their hosts and how they ended.
    /// </summary>
    public AndConstraint<TrafficReportAssertions> HaveFailedNoRequests(string because = "", params object[] becauseArgs)
    {
        var requests = RequestsOf(Subject, "no failed requests", because, becauseArgs);
        Fail(requests.Failed == 0, "no failed requests", because, becauseArgs, () => $"{DescribeFailed(requests)}{Where(Subject)}");
        return new AndConstraint<TrafficReportAssertions>(this);
    }

    /// <summary>No request sent in the window got an error response (a status outside the success set): the message counts them by status.</summary>
    public AndConstraint<TrafficReportAssertions> HaveNoErrorResponses(string because = "", params object[] becauseArgs)
    {
        var requests = RequestsOf(Subject, "no error responses", because, becauseArgs);
        Fail(requests.ErrorResponses == 0, "no error responses", because, becauseArgs, () => $"{DescribeErrors(requests)}{Where(Subject)}");
        return new AndConstraint<TrafficReportAssertions>(this);
    }

    /// <summary>
    /// Every request sent in the window succeeded or was still in flight at the end: none failed and
    /// none got an error response.
    /// </summary>
    public AndConstraint<TrafficReportAssertions> HaveSucceededEveryRequest(string because = "", params object[] becauseArgs)
    {
        var requests = RequestsOf(Subject, "every request to succeed", because, becauseArgs);
        Fail(requests.Failed == 0 && requests.ErrorResponses == 0, "every request to succeed", because, becauseArgs, () =>
        {
            var parts = new List<string>();
            if (requests.Failed > 0)
            {
                parts.Add(DescribeFailed(requests));
            }

            if (requests.ErrorResponses > 0)
            {
                parts.Add(DescribeErrors(requests));
            }

            return string.Join("; ", parts) + Where(Subject);
        });
        return new AndConstraint<TrafficReportAssertions>(this);
    }

    private static RequestOutcomes RequestsOf(TrafficReport report, string expectation, string because, object[] becauseArgs)
    {
        if (report.Requests is { } requests)
        {
            return requests;
        }

        Fail(false, expectation, because, becauseArgs,
            () => "the run sent echo packets, not requests (request outcomes need o.Client = TrafficClient.Http, Http2 or Grpc)");
        return new RequestOutcomes();
    }

    private string DescribeFailed(RequestOutcomes requests)
    {
        var text = $"{requests.Failed} of {requests.Sent} requests failed";
        return Subject.LostConnections.Count == 0 ? text : $"{text}; connections: {DescribeLost(Subject).Replace(Where(Subject), "", StringComparison.Ordinal)}";
    }

    private static string DescribeErrors(RequestOutcomes requests)
        => $"{requests.ErrorResponses} of {requests.Sent} requests got an error response " +
           $"({string.Join(", ", requests.ErrorStatuses.Select(s => $"{s.Value} x {s.Key}"))})";
}
