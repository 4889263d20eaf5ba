using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Ctraffic.Reports;
using FluentAssertions;
using Xunit.Sdk;

namespace Ctraffic.Testing.Xunit.Tests;

public class XunitTrafficTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IReadOnlyDictionary<string, TestAttachment> Attachments => TestContext.Current.Attachments!;

    [Fact]
    public async Task MonitorLinesAndTheSummaryGoToTheTestOutput()
    {
        var lines = 0;
        await using var traffic = CtrafficFixture.Start(o => { o.Connections = 2; o.Log = _ => Interlocked.Increment(ref lines); });
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        (await Eventually.TrueAsync(() => Volatile.Read(ref lines) >= 1, TimeSpan.FromSeconds(5))).Should().BeTrue("a monitor line comes every second");

        var report = await traffic.StopAsync(Ct);

        var output = TestContext.Current.TestOutputHelper!.Output;
        output.Should().MatchRegex(@"Conn act/fail/connecting: \d+/0/\d+, Packets send/rec/dropped: \d+/\d+/\d+", "the monitor line is written as well as given to the configured Log");
        output.Should().Contain($"ctraffic {report}. ", "the summary follows the monitor lines");
    }

    [Fact]
    public async Task StoppingAttachesTheStatisticsJsonTheTimelineSvgAndThePage()
    {
        await using var traffic = CtrafficFixture.Start(o => o.Connections = 3);
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        traffic.Mark("steady");

        var report = await traffic.StopAsync(Ct);

        Attachments.Keys.Should().BeEquivalentTo(XunitTraffic.JsonAttachment, XunitTraffic.TimelineAttachment, XunitTraffic.HtmlAttachment);
        var (html, htmlType) = Attachments[XunitTraffic.HtmlAttachment].AsByteArray();
        htmlType.Should().Be("text/html");
        Encoding.UTF8.GetString(html).Should().StartWith("<!DOCTYPE html>").And.Contain("<table id=\"windows\">").And.Contain("<td>steady</td>");
        var (json, jsonType) = Attachments[XunitTraffic.JsonAttachment].AsByteArray();
        jsonType.Should().Be("application/json");
        using (var doc = JsonDocument.Parse(json))
        {
            doc.RootElement.GetProperty("Sent").GetInt64().Should().Be(report.Sent);
            doc.RootElement.GetProperty("ConnStats").GetArrayLength().Should().Be(3);
            doc.RootElement.GetProperty("Marks")[0].GetProperty("Name").GetString().Should().Be("steady");
        }

        var (svg, svgType) = Attachments[XunitTraffic.TimelineAttachment].AsByteArray();
        svgType.Should().Be("image/svg+xml");
        var root = XDocument.Parse(Encoding.UTF8.GetString(svg)).Root!;
        root.Descendants().Where(e => (string?)e.Attribute("class") == "series").Select(e => (string?)e.Attribute("data-series"))
            .Should().Equal(ReportSvg.ReceivedSeries, ReportSvg.DroppedSeries, ReportSvg.OutageSeries, ReportSvg.LostConnectionsSeries);
        root.Descendants().Where(e => (string?)e.Attribute("class") == "marker").Select(e => (string?)e.Attribute("data-marker")).Should().Equal("steady");
    }

    [Fact]
    public async Task DisposingWithoutStoppingStillAttachesTheReportOnce()
    {
        var stopped = 0;
        await using (var traffic = CtrafficFixture.Start(o => { o.Connections = 1; o.Stopped = _ => stopped++; }))
        {
            await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        }

        stopped.Should().Be(1, "a Stopped set by the test is called as well");
        Attachments.Keys.Should().BeEquivalentTo(XunitTraffic.JsonAttachment, XunitTraffic.TimelineAttachment, XunitTraffic.HtmlAttachment);
    }

    [Fact]
    public async Task TwoTrafficsInOneTestGetNumberedAttachments()
    {
        await using var first = CtrafficFixture.Start(o => o.Connections = 1);
        await using var second = CtrafficFixture.Start(o => o.Connections = 1);

        await first.StopAsync(Ct);
        await second.StopAsync(Ct);

        Attachments.Keys.Should().BeEquivalentTo("ctraffic.json", "ctraffic-timeline.svg", "ctraffic.html", "ctraffic-2.json", "ctraffic-timeline-2.svg", "ctraffic-2.html");
    }

    [Fact]
    public async Task FourTrafficsStoppedAtOnceGetFourSetsOfAttachments()
    {
        // Given four traffics in one test, two of them named
        var traffics = new[]
        {
            CtrafficFixture.Start(o => o.Connections = 1),
            CtrafficFixture.Start(o => o.Connections = 1),
            CtrafficFixture.Start(o => { o.Connections = 1; o.Name = "frontend"; }),
            CtrafficFixture.Start(o => { o.Connections = 1; o.Name = "backend.v2"; }),
        };

        // When all are stopped at once
        await Task.WhenAll(traffics.Select(t => Task.Run(() => t.StopAsync(Ct), Ct)));
        foreach (var t in traffics)
        {
            await t.DisposeAsync();
        }

        // Then no name collided, and the named ones are attached under their names
        Attachments.Keys.Should().BeEquivalentTo(
            "ctraffic.json", "ctraffic-timeline.svg", "ctraffic.html", "ctraffic-2.json", "ctraffic-timeline-2.svg", "ctraffic-2.html",
            "ctraffic-frontend.json", "ctraffic-frontend-timeline.svg", "ctraffic-frontend.html",
            "ctraffic-backend.v2.json", "ctraffic-backend.v2-timeline.svg", "ctraffic-backend.v2.html");
    }

    [Fact]
    public async Task AttachingFromEightThreadsAtOnceNeverCollides()
    {
        await using var traffic = CtrafficFixture.Start(o => { o.Connections = 1; o.Name = "shared"; });
        var report = await traffic.StopAsync(Ct);
        var context = TestContext.Current;

        // When 8 threads attach windows of it at once, 5 times each
        using var start = new Barrier(8);
        var threads = Enumerable.Range(0, 8).Select(_ => new Thread(() =>
        {
            start.SignalAndWait(Ct);
            for (var i = 0; i < 5; i++)
            {
                XunitTraffic.Attach(report, "shared");
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        // Then every attachment has a name of its own: the traffic's own pair and 40 more
        context.Attachments!.Keys.Where(k => k.EndsWith(".json", StringComparison.Ordinal)).Should().HaveCount(41).And.OnlyHaveUniqueItems();
        context.Attachments.Keys.Should().Contain(["ctraffic-shared.json", "ctraffic-shared-41.json", "ctraffic-shared-timeline-41.svg", "ctraffic-shared-41.html"]);
    }

    [Fact]
    public void ANameThatCannotNameAFileIsRefused()
    {
        var start = () => CtrafficFixture.Start(o => o.Name = "../x");
        start.Should().Throw<ArgumentException>().WithMessage("*Name '../x' must be 1 to 64 of A-Z*");
    }

    [Fact]
    public async Task AServerKillShowsInTheSummaryWithItsOutagesAndMarks()
    {
        await using var traffic = CtrafficFixture.Start(o => o.Connections = 4);
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        await traffic.Server.KillAsync(Ct); // marks "kill server"
        await Task.Delay(TimeSpan.FromSeconds(0.5), Ct); // the disruption: the server is down for 0.5 s
        await traffic.Server.StartAsync(Ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), Ct);
        var report = await traffic.StopAsync(Ct);

        report.Outages.Should().NotBeEmpty();
        TestContext.Current.TestOutputHelper!.Output.Should().MatchRegex(
            @"ctraffic run .*lost connections 4 \(4 reset by the peer \(RST\)\).*\. 4 lost: 4 reset by the peer \(RST\); \d+ outages on 4 connections, the longest \d+\.\d+ s on connection \d from \d+\.\d+ s.*\. Marks: 'kill server' from \d+\.\d+ s to \d+\.\d+ s\.");
    }

    [Fact]
    public async Task OutsideATestTheTrafficRunsWithoutOutputOrAttachments()
    {
        // A thread started without the test's execution context has no current test.
        ContinuousTraffic? traffic = null;
        var thread = new Thread(() => traffic = CtrafficFixture.Start(o => o.Connections = 1));
        using (ExecutionContext.SuppressFlow())
        {
            thread.Start();
        }

        thread.Join(TimeSpan.FromSeconds(5)).Should().BeTrue();
        await using (traffic!)
        {
            await traffic!.WaitForSteadyStateAsync(cancellationToken: Ct);
            var report = await traffic.StopAsync(Ct);
            report.Received.Should().BePositive();
        }

        Attachments.Should().BeEmpty("the traffic was started outside the test");
        TestContext.Current.TestOutputHelper!.Output.Should().NotContain("ctraffic run");
    }
}
