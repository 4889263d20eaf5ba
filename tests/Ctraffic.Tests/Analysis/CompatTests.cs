using Ctraffic.Analysis;
using Ctraffic.Statistics;
using FluentAssertions;
using Xunit;

namespace Ctraffic.Tests.Analysis;

public class CompatTests
{
    public static TheoryData<string, string> FilesAndModes => new()
    {
        { CompatFiles.Killed, "throughput" },
        { CompatFiles.Killed, "connections" },
        { CompatFiles.Killed, "hosts" },
        { CompatFiles.Undisturbed, "throughput" },
        { CompatFiles.Undisturbed, "connections" },
        { CompatFiles.Undisturbed, "hosts" },
    };

    [Theory]
    [MemberData(nameof(FilesAndModes))]
    public void AnalysisOfTheOriginalsFilePrintsExactlyTheOriginalsText(string file, string mode)
    {
        var input = AnalysisInput.Parse(CompatFiles.Json(file));

        var text = mode switch
        {
            "throughput" => AnalysisText.Format(TrafficAnalysis.Throughput(input)),
            "connections" => AnalysisText.Format(TrafficAnalysis.Connections(input)),
            _ => AnalysisText.Format(TrafficAnalysis.Hosts(input)),
        };

        text.Should().Be(CompatFiles.Expected(file, mode));
    }

    [Fact]
    public void ThroughputOfASummaryWithoutSamplesFailsWithTheOriginalsMessage()
    {
        var input = AnalysisInput.Parse(CompatFiles.Json(CompatFiles.Summary));
        var expected = CompatFiles.Expected(CompatFiles.Summary, "throughput");

        var act = () => TrafficAnalysis.Throughput(input);

        var message = act.Should().Throw<AnalysisException>().Which.Message;
        expected.Should().EndWith(" " + message + "\n", "the original prints the message after its log prefix");
        message.Should().Be("No samples found");
    }

    [Theory]
    [InlineData("connections")]
    [InlineData("hosts")]
    public void ConnectionsAndHostsOfASummaryWithoutConnStatsFailAndNameTheMissingStatistics(string mode)
    {
        var input = AnalysisInput.Parse(CompatFiles.Json(CompatFiles.Summary));

        Action act = mode == "hosts" ? () => TrafficAnalysis.Hosts(input) : () => TrafficAnalysis.Connections(input);

        act.Should().Throw<AnalysisException>().WithMessage("No connection statistics found*-stats all*");
    }

    [Fact]
    public void TimesReadFromJsonKeepTheNanosecondsThatTimeSpanWouldRound()
    {
        var json = CompatFiles.Json(CompatFiles.Killed);

        var exact = TrafficAnalysis.Throughput(AnalysisInput.Parse(json))[0];
        var rounded = TrafficAnalysis.Throughput(StatisticsJson.Read(json))[0];

        exact.TimeSeconds.Should().Be(1.501360732);
        exact.KBps.Should().Be(4.997281169212516);
        rounded.TimeSeconds.Should().Be(1.5013607, "a TimeSpan holds 100 ns, so 1001088701 ns is read as 1001088700 ns");
    }

    [Fact]
    public void ConnectionsRowsOfTheKilledServerRunShowTheFailuresMovingToConnecting()
    {
        var rows = TrafficAnalysis.Connections(AnalysisInput.Parse(CompatFiles.Json(CompatFiles.Killed)));

        rows.Should().HaveCount(10, "the run lasted 10.9 s: one row per whole second before its end");
        rows[0].Should().Be(new ConnectionsRow(0.5, 40, 40, 0, 0));
        rows[5].Should().Be(new ConnectionsRow(5.5, 35, 5, 5, 5));
        rows[9].Should().Be(new ConnectionsRow(9.5, 0, 0, 0, 40));
    }

    [Fact]
    public void HostsOfTheUndisturbedRunAreAllLastingOnOneHost()
    {
        var report = TrafficAnalysis.Hosts(AnalysisInput.Parse(CompatFiles.Json(CompatFiles.Undisturbed)));

        report.Lost.Should().BeEmpty();
        report.Lasting.Should().Equal(new HostCount("vm", 100));
        report.LastingTotal.Should().Be(100);
    }
}
