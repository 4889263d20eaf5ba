using Ctraffic.Analysis;
using Ctraffic.Reports;
using Ctraffic.Tests.Analysis;
using FluentAssertions;
using Xunit;

namespace Ctraffic.Tests.Reports;

/// <summary>The report of a statistics file (<see cref="AnalysisInput.ToReport"/>): built from what the file holds, and nothing else.</summary>
public class StatisticsReportTests
{
    [Fact]
    public void TheOriginalsFileOfAKilledServerGivesItsCountersItsHostAndItsLostConnectionsWhenTheyEnded()
    {
        // Given the original's file of a run whose server was killed, and the ends of its lost connections
        var json = CompatFiles.Json(CompatFiles.Killed);
        var input = AnalysisInput.Parse(json);
        var lostAt = input.Statistics.ConnStats.Where(c => c.Failed).Select(c => c.Ended).ToList();
        lostAt.Should().HaveCount(40);

        // When its report is made
        var report = input.ToReport();

        // Then it has the file's counters and one host that lost every connection
        report.File.Should().NotBeNull();
        (report.Sent, report.Received, report.FailedConnections).Should().Be((92, 52, 40));
        report.PacketsLost.Should().Be(input.Statistics.ConnStats.Where(c => c.Failed).Sum(c => c.Sent - c.Received));
        report.Period.End.Should().Be(input.Statistics.Duration, "the run ends at its duration, not at the time-out the original writes for connections that lasted");
        var host = report.Hosts.Should().ContainSingle().Which;
        (host.Host, host.Connections, host.Lost, host.Sent, host.Received, host.Rtt).Should().Be(("vm", 40, 40, 92L, 52L, (RttStatistics?)null));

        // And the timeline holds every echo of the samples and each lost connection in the slice it ended in
        var timeline = report.Timeline;
        timeline.Sum(p => p.Received).Should().Be(52);
        timeline.Sum(p => p.Sent).Should().Be(92);
        foreach (var slice in timeline.Where(p => p.LostConnections > 0))
        {
            slice.LostConnections.Should().Be(lostAt.Count(t => t >= slice.Time && t < slice.Time + TimeSpan.FromMilliseconds(100)));
        }

        timeline.Sum(p => p.LostConnections).Should().Be(40);
        report.Outages.Should().BeEmpty("the file does not say when a connection was in an outage");
        report.Rtt.Count.Should().Be(0, "the original keeps no round trips");
    }

    [Fact]
    public void TheEchoesBetweenTwoSamplesAreSpreadEvenlyOverTheirSlices()
    {
        // Given 10 echoes in the first second and 20 in the second
        var input = AnalysisInput.Parse("""
            {"Duration":2000000000,"Connections":1,"PacketSize":1024,"Rate":10,"Sent":30,"Received":30,
             "ConnStats":[{"Started":0,"Connect":1000,"Ended":2000000000,"Err":"","Sent":30,"Received":30,"Host":"a"}],
             "Samples":[{"Time":1000000000,"Sent":10,"Received":10,"Dropped":0},{"Time":2000000000,"Sent":30,"Received":30,"Dropped":0}]}
            """);

        // When the report is made, then each 100 ms slice has its share of the rate
        var timeline = input.ToReport().Timeline;
        timeline.Take(20).Select(p => p.Received).Should().Equal([.. Enumerable.Repeat(1L, 10), .. Enumerable.Repeat(2L, 10)]);
        timeline.Skip(20).Sum(p => p.Received).Should().Be(0);
    }

    [Fact]
    public void OurFilesRoundTripsAreTheReportsAndAMergeOfFilesHasNone()
    {
        // Given a file of ours with its round trips
        var json = """
            {"Duration":1000000000,"Connections":1,"PacketSize":1024,"Rate":10,"Sent":10,"Received":10,
             "ConnStats":[{"Started":0,"Connect":1000,"Ended":1000000000,"Err":"","Sent":10,"Received":10,"Host":"a"}],
             "Rtt":{"Count":10,"Min":100000,"Mean":150000,"P50":140000,"P90":190000,"P99":250000,"P999":260000,"Max":260000}}
            """;
        var report = AnalysisInput.Parse(json).ToReport();

        // Then the report's round trips are the file's
        (report.Rtt.Count, report.Rtt.P50, report.Rtt.P99, report.Rtt.Max).Should().Be((10, TimeSpan.FromMicroseconds(140), TimeSpan.FromMicroseconds(250), TimeSpan.FromMicroseconds(260)));
        report.File!.Rtt.Should().NotBeNull();

        // And two files merged have no round trips (percentiles do not add up)
        var merged = AnalysisInput.Merge([AnalysisInput.Parse(json), AnalysisInput.Parse(json)]).ToReport();
        merged.File!.Rtt.Should().BeNull();
        merged.Hosts.Should().ContainSingle().Which.Connections.Should().Be(2);
    }

    [Fact]
    public void AnHttpFilesRequestsAreItsOutcomesAndAnEchoFilesUnansweredPacketsAreNotLosses()
    {
        // Given an HTTP run of 30 requests: 25 succeeded, 3 error responses, 1 failed (its connection lost), 1 unanswered at the end
        var http = AnalysisInput.Parse("""
            {"Duration":2000000000,"Connections":2,"PacketSize":1024,"Rate":10,"FailedConnections":1,"Sent":30,"Received":25,
             "Client":"http","ErrorResponses":3,"FailedRequests":1,"Statuses":{"200":25,"503":3},
             "ConnStats":[{"Started":0,"Connect":1000,"Ended":1000000000,"Err":"read: connection reset by peer","Sent":10,"Received":8,"Host":"a"},
                          {"Started":0,"Connect":1000,"Ended":2000000000,"Err":"","Sent":20,"Received":17,"Host":"b"}]}
            """).ToReport();

        // Then its requests by outcome are the file's, and what is left is in flight
        http.Requests.Should().BeEquivalentTo(new RequestOutcomes { Sent = 30, Succeeded = 25, ErrorResponses = 3, Failed = 1, InFlight = 1 });
        http.PacketsLost.Should().Be(4);

        // Given an echo run whose lost connection missed 2 echoes and whose lasting one awaited 1 at the end
        var echo = AnalysisInput.Parse("""
            {"Duration":2000000000,"Connections":2,"PacketSize":1024,"Rate":10,"FailedConnections":1,"Sent":30,"Received":27,
             "ConnStats":[{"Started":0,"Connect":1000,"Ended":1000000000,"Err":"EOF","Sent":10,"Received":8,"Host":"a"},
                          {"Started":0,"Connect":1000,"Ended":2000000000,"Err":"","Sent":20,"Received":19,"Host":"b"}]}
            """).ToReport();

        // Then the lost connection's are lost, the other is unanswered, and no request outcomes are made up
        (echo.PacketsLost, echo.InFlight, echo.Requests).Should().Be((2L, 1L, (RequestOutcomes?)null));
        echo.Timeline.Single(p => p.LostConnections > 0).Should().Match<TimelinePoint>(p => p.Time == TimeSpan.FromSeconds(1) && p.PacketsLost == 2);
    }

    [Fact]
    public void WithoutConnectionRecordsThereIsNoReport()
    {
        var act = () => AnalysisInput.Parse(CompatFiles.Json(CompatFiles.Summary)).ToReport();

        act.Should().Throw<AnalysisException>().WithMessage("No connection statistics found (the run needs -stats all)");
    }

    [Fact]
    public void ThePageSaysWhatTheFileDoesNotHold()
    {
        var html = ReportHtml.Write(AnalysisInput.Parse(CompatFiles.Json(CompatFiles.Undisturbed)).ToReport());

        html.Should().Contain("<tr><td>availability (due packets answered in time)</td><td>not in the statistics file</td></tr>")
            .And.Contain("<p>None: the statistics file has no marks.</p>")
            .And.Contain("<td>vm</td><td>100</td><td>0</td>")
            .And.NotContain("data-series=\"Outages\"");
    }
}
