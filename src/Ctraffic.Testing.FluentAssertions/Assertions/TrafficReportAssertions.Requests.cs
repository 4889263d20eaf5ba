using Ctraffic.Reports;
using Ctraffic.Testing.Verdicts;

namespace Ctraffic.Testing.Assertions;

/// <summary>The assertions on the requests of an HTTP, HTTP/2 or gRPC run (<see cref="TrafficReport.Requests"/>).</summary>
public sealed partial class TrafficReportAssertions
{
    /// <summary>
    /// No request failed in the window (reset, read time-out, protocol error, cut off before its
    /// response was whole). Each such request loses its connection, so these are the window's lost
    /// connections: a request in flight when a disruption began fails in the disruption's window,
    /// not in the one before it, where it was sent (<see cref="RequestOutcomes.Failed"/> counts by
    /// send time, and the message gives it when it differs). The message says when, on which
    /// instance (host) and how, with the first one's error. An error response (a 503) is an answer,
    /// not a failed request (<see cref="HaveNoErrorResponses"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The traffic is echo traffic, which has no requests.</exception>
    public AndConstraint<TrafficReportAssertions> HaveFailedNoRequests(string because = "", params object[] becauseArgs)
        => Assert(TrafficVerdicts.FailedNoRequests(Subject), because, becauseArgs);

    /// <summary>No request sent in the window got an error response (a status outside the success set): the message counts them by status.</summary>
    /// <exception cref="InvalidOperationException">The traffic is echo traffic, which has no requests.</exception>
    public AndConstraint<TrafficReportAssertions> HaveNoErrorResponses(string because = "", params object[] becauseArgs)
        => Assert(TrafficVerdicts.NoErrorResponses(Subject), because, becauseArgs);

    /// <summary>
    /// Every request succeeded or was still in flight at the end: none failed in the window
    /// (<see cref="HaveFailedNoRequests"/>) and none sent in it got an error response.
    /// </summary>
    /// <exception cref="InvalidOperationException">The traffic is echo traffic, which has no requests.</exception>
    public AndConstraint<TrafficReportAssertions> HaveSucceededEveryRequest(string because = "", params object[] becauseArgs)
        => Assert(TrafficVerdicts.SucceededEveryRequest(Subject), because, becauseArgs);
}
