using System.Text;
using System.Text.Json;
using Ctraffic.Analysis;
using Ctraffic.Statistics;
using FluentAssertions;
using Xunit;

namespace Ctraffic.Tests.Statistics;

public class StatisticsJsonReaderTests
{
    /// <summary>Times as the original writes them: nanoseconds that 100 ns ticks cannot hold.</summary>
    private const string Json =
        "{\"Started\":\"2026-11-27T20:05:30.531376953Z\",\"Duration\":9999843106,\"Rate\":10,\"Connections\":2,\"PacketSize\":1024," +
        "\"ConnStats\":[{\"Started\":228317,\"Connect\":1427999,\"Ended\":9999843101,\"Err\":\"\",\"Sent\":10,\"Received\":10,\"Local\":\"a\",\"Remote\":\"b\"}," +
        "{\"Started\":5000000001,\"Connect\":0,\"Ended\":6000000099,\"Err\":\"dial tcp b: connection refused\",\"Local\":\"\",\"Remote\":\"b\"}]," +
        "\"Samples\":[{\"Time\":1000995977,\"Sent\":10,\"Received\":9,\"Dropped\":0}]}";

    [Fact]
    public void ReadingOnceGivesTheStatisticsAndEveryTimeToTheNanosecond()
    {
        // Given the original's JSON
        using var doc = JsonDocument.Parse(Json);

        // When it is read with its exact times
        var (stats, times) = StatisticsJsonReader.ReadExact(doc.RootElement);

        // Then the statistics have 100 ns times and the times beside them every nanosecond written
        stats.Duration.Should().Be(TimeSpan.FromTicks(99998431));
        times.Duration.Should().Be(9999843106);
        times.Started.Should().Be(53, "the 8th and 9th digits of .531376953");
        times.Samples.Should().Equal(1000995977);
        times.Connections.Should().Equal(
            new ConnectionTimes(228317, 1427999, 9999843101, Failed: false),
            new ConnectionTimes(5000000001, 0, 6000000099, Failed: true));
        stats.ConnStats.Select(c => c.Started.Ticks * 100).Should().Equal(228300, 5000000000);
    }

    [Fact]
    public void TheAnalysisInputOfTextAndOfBytesKeepsTheSameExactTimes()
    {
        var text = AnalysisInput.Parse(Json);
        var bytes = AnalysisInput.ParseUtf8(Encoding.UTF8.GetBytes(Json));

        text.Times.Should().BeEquivalentTo(bytes.Times);
        text.Times.Duration.Should().Be(9999843106);
        text.Times.Connections[1].Ended.Should().Be(6000000099);
        bytes.Statistics.Should().BeEquivalentTo(text.Statistics);
    }

    [Fact]
    public void StatisticsInMemoryHaveTheirTimesInHundredsOfNanoseconds()
    {
        var stats = StatisticsJson.Read(Json);

        var times = AnalysisInput.FromStatistics(stats).Times;

        times.Started.Should().Be(0);
        times.Duration.Should().Be(9999843100);
        times.Connections[0].Should().Be(new ConnectionTimes(228300, 1427900, 9999843100, Failed: false));
    }

    [Fact]
    public void AMergeOffsetsRunsByTheNanosecondsBetweenTheirStarts()
    {
        // Given two runs whose starts differ in the 8th and 9th digits only
        var early = AnalysisInput.Parse(Json);
        var late = AnalysisInput.Parse(Json.Replace(".531376953Z", ".531377001Z", StringComparison.Ordinal));

        // When they are merged
        var merged = AnalysisInput.Merge([late, early]);

        // Then the later one starts 48 ns after the earlier, and the merge lasts as long
        merged.Parts.Select(p => p.Offset).Should().Equal(48, 0);
        merged.Times.Duration.Should().Be(9999843106 + 48);
        merged.Times.Started.Should().Be(53);
    }
}
