using Ctraffic.Statistics;
using FluentAssertions;
using Xunit;

namespace Ctraffic.Tests.Statistics;

public class StatisticsJsonTests
{
    private static readonly TrafficStatistics Example = new()
    {
        Started = new DateTimeOffset(2019, 1, 21, 8, 40, 8, TimeSpan.Zero).AddTicks(2934748),
        Duration = TimeSpan.FromTicks(599938320),
        Rate = 100,
        Connections = 200,
        PacketSize = 1024,
        FailedConnections = 1,
        Sent = 5994,
        Received = 5993,
        Dropped = 2,
        Retransmits = 3,
        FailedConnects = 4,
        ConnStats =
        [
            new ConnectionStats
            {
                Started = TimeSpan.FromTicks(2283),
                Connected = TimeSpan.FromTicks(14279),
                Ended = TimeSpan.FromSeconds(10),
                Sent = 10,
                Received = 10,
                Local = "127.0.0.1:45124",
                Remote = "127.0.0.1:5003",
                Host = "vm",
            },
            new ConnectionStats { Started = TimeSpan.FromSeconds(5), Ended = TimeSpan.FromSeconds(10), Error = "read tcp a->b: i/o timeout" },
        ],
        Samples = [new Sample(TimeSpan.FromTicks(10009959), 100, 99, 0)],
    };

    [Fact]
    public void SummaryHasTheOriginalsFieldsInTheOriginalsOrderThenOurs()
    {
        StatisticsJson.Write(Example).Should().Be(
            "{\"Started\":\"2019-01-21T08:40:08.2934748Z\",\"Duration\":59993832000,\"Rate\":100,\"Connections\":200," +
            "\"PacketSize\":1024,\"FailedConnections\":1,\"Sent\":5994,\"Received\":5993,\"Dropped\":2," +
            "\"Retransmits\":3,\"FailedConnects\":4,\"DroppedLocal\":0,\"PacingLagP99\":0,\"PacingLagMax\":0}");
    }

    [Fact]
    public void AllAddsConnStatsAndSamplesAsTheOriginalWritesThem()
    {
        var json = StatisticsJson.Write(Example, StatisticsDetail.All);
        json.Should().Contain(
            ",\"ConnStats\":[{\"Started\":228300,\"Connect\":1427900,\"Ended\":10000000000,\"Err\":\"\",\"Sent\":10,\"Received\":10," +
            "\"Dropped\":0,\"Retransmits\":0,\"Local\":\"127.0.0.1:45124\",\"Remote\":\"127.0.0.1:5003\",\"Host\":\"vm\"},");
        json.Should().Contain("{\"Started\":5000000000,\"Connect\":0,\"Ended\":10000000000,\"Err\":\"read tcp a-\\u003eb: i/o timeout\",");
        json.Should().Contain("\"Remote\":\"\",\"EndKind\":\"ReadTimeout\"}", "how a lost connection ended is an added field, after the original's");
        json.Should().EndWith("\"Samples\":[{\"Time\":1000995900,\"Sent\":100,\"Received\":99,\"Dropped\":0}]}");
    }

    [Fact]
    public void HostIsLeftOutWhenEmpty()
    {
        var json = StatisticsJson.Write(Example, StatisticsDetail.All);
        json.Should().Contain("\"Remote\":\"\",\"EndKind\"").And.NotContain("\"Host\":\"\"");
    }

    [Fact]
    public void WhatIsWrittenReadsBackTheSame()
    {
        var back = StatisticsJson.Read(StatisticsJson.Write(Example, StatisticsDetail.All));
        back.Should().BeEquivalentTo(Example, o => o.Excluding(s => s.EndReason));
    }

    [Fact]
    public void ReadsTheOriginalsNanosecondTimestampsAndIgnoresUnknownFields()
    {
        var stats = StatisticsJson.Read("{\"Started\":\"2026-11-27T20:05:30.531376953Z\",\"Duration\":9999843106,\"Rate\":2.5,\"Future\":[1,2],\"Sent\":7}");
        stats.Started.Should().Be(new DateTimeOffset(2026, 11, 27, 20, 5, 30, TimeSpan.Zero).AddTicks(5313769));
        stats.Rate.Should().Be(2.5);
        stats.Sent.Should().Be(7);
        stats.ConnStats.Should().BeEmpty();
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("{\"Sent\":", "not valid JSON")]
    [InlineData("[1,2]", "expected a JSON object")]
    [InlineData("{\"Sent\":\"many\"}", "field Sent is not an integer")]
    [InlineData("{\"ConnStats\":[3]}", "an entry of ConnStats")]
    [InlineData("{\"Started\":\"yesterday\"}", "field Started")]
    public void MalformedInputIsAFormatErrorThatSaysWhy(string json, string why)
    {
        var read = () => StatisticsJson.Read(json);
        read.Should().Throw<FormatException>().WithMessage($"*{why}*");
    }
}
