using System.Text.Json;
using System.Xml.Linq;
using Ctraffic.Reports;
using FluentAssertions;
using NUnit.Framework.Internal;

namespace Ctraffic.Testing.NUnit.Tests;

[CancelAfter(30_000)]
public class NUnitTrafficTests
{
    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

    private static TestResult Result => TestExecutionContext.CurrentContext.CurrentResult;

    [Test]
    public async Task MonitorLinesAndTheSummaryGoToTheTestOutput()
    {
        var lines = 0;
        await using var traffic = CtrafficFixture.Start(o => { o.Connections = 2; o.Log = _ => Interlocked.Increment(ref lines); });
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        (await Eventually.TrueAsync(() => Volatile.Read(ref lines) >= 1, TimeSpan.FromSeconds(5))).Should().BeTrue("a monitor line comes every second");

        var report = await traffic.StopAsync(Ct);

        Result.Output.Should().MatchRegex(@"Conn act/fail/connecting: \d+/0/\d+, Packets send/rec/dropped: \d+/\d+/\d+", "the monitor line is written as well as given to the configured Log");
        Result.Output.Should().Contain($"ctraffic {report}. ", "the summary follows the monitor lines");
    }

    [Test]
    public async Task StoppingWritesTheStatisticsJsonTheTimelineSvgAndThePageAndAttachesThem()
    {
        await using var traffic = CtrafficFixture.Start(o => o.Connections = 3);
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        traffic.Mark("steady");

        var report = await traffic.StopAsync(Ct);

        var attachments = Result.TestAttachments.ToList();
        attachments.Select(a => Path.GetFileName(a.FilePath)).Should().Equal(NUnitTraffic.JsonAttachment, NUnitTraffic.TimelineAttachment, NUnitTraffic.HtmlAttachment);
        attachments.Should().OnlyContain(a => a.FilePath.StartsWith(TestContext.CurrentContext.WorkDirectory, StringComparison.Ordinal) && File.Exists(a.FilePath));
        using (var json = JsonDocument.Parse(await File.ReadAllTextAsync(attachments[0].FilePath, Ct)))
        {
            json.RootElement.GetProperty("Sent").GetInt64().Should().Be(report.Sent);
            json.RootElement.GetProperty("ConnStats").GetArrayLength().Should().Be(3);
        }

        var svg = XDocument.Load(attachments[1].FilePath).Root!;
        svg.Descendants().Where(e => (string?)e.Attribute("class") == "series").Select(e => (string?)e.Attribute("data-series"))
            .Should().Equal(ReportSvg.ReceivedSeries, ReportSvg.DroppedSeries, ReportSvg.OutageSeries, ReportSvg.LostConnectionsSeries);
        svg.Descendants().Where(e => (string?)e.Attribute("class") == "marker").Select(e => (string?)e.Attribute("data-marker")).Should().Equal("steady");
        (await File.ReadAllTextAsync(attachments[2].FilePath, Ct)).Should().StartWith("<!DOCTYPE html>").And.Contain("<td>steady</td>");
    }

    [Test]
    public async Task DisposingWithoutStoppingStillAttachesTheReportOnce()
    {
        var stopped = 0;
        await using (var traffic = CtrafficFixture.Start(o => { o.Connections = 1; o.Stopped = _ => stopped++; }))
        {
            await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        }

        stopped.Should().Be(1, "a Stopped set by the test is called as well");
        Result.TestAttachments.Should().HaveCount(3);
    }

    [Test]
    public async Task TwoTrafficsInOneTestGetNumberedFilesInTheTestsOwnFolder()
    {
        await using var first = CtrafficFixture.Start(o => o.Connections = 1);
        await using var second = CtrafficFixture.Start(o => o.Connections = 1);

        await first.StopAsync(Ct);
        await second.StopAsync(Ct);

        var files = Result.TestAttachments.Select(a => a.FilePath).ToList();
        files.Select(Path.GetFileName).Should().Equal("ctraffic.json", "ctraffic-timeline.svg", "ctraffic.html", "ctraffic-2.json", "ctraffic-timeline-2.svg", "ctraffic-2.html");
        files.Select(Path.GetDirectoryName).Distinct().Should().ContainSingle()
            .Which.Should().Contain(nameof(TwoTrafficsInOneTestGetNumberedFilesInTheTestsOwnFolder));
    }

    [Test]
    public async Task AServerKillShowsInTheSummaryWithItsOutagesAndMarks()
    {
        await using var traffic = CtrafficFixture.Start(o => o.Connections = 4);
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        await traffic.Server.KillAsync(Ct); // marks "kill server"
        await Task.Delay(TimeSpan.FromSeconds(0.5), Ct); // the disruption: the server is down for 0.5 s
        await traffic.Server.StartAsync(Ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), Ct);
        await traffic.StopAsync(Ct);

        Result.Output.Should().MatchRegex(
            @"ctraffic run .*lost connections 4 \(4 reset by the peer \(RST\)\).*\. 4 lost: 4 reset by the peer \(RST\); \d+ outages on 4 connections, the longest \d+\.\d+ s on connection \d from \d+\.\d+ s.*\. Marks: 'kill server' from \d+\.\d+ s to \d+\.\d+ s\.");
    }
}
