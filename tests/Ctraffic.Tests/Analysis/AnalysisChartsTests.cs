using Ctraffic.Analysis;
using Ctraffic.Charts;
using Ctraffic.Tests.Charts;
using FluentAssertions;
using Xunit;

namespace Ctraffic.Tests.Analysis;

public class AnalysisChartsTests
{
    [Fact]
    public void ConnectionsChartHasTheFourCountsAsSeriesOverTime()
    {
        var rows = TrafficAnalysis.Connections(AnalysisInput.Parse(CompatFiles.Json(CompatFiles.Killed)));

        var chart = AnalysisCharts.ConnectionsChart(rows);
        var svg = new SvgDocument(SvgWriter.Write(chart));

        chart.Series.Select(s => s.Name).Should().Equal("Active", "New", "Failed", "Connecting");
        chart.Series[3].Points.Should().HaveCount(10).And.EndWith(new SvgPoint(9.5, 40));
        chart.XLabel.Should().Be("Time (s)");
        chart.YLabel.Should().Be("Connections");
        foreach (var name in new[] { "Active", "New", "Failed", "Connecting" })
        {
            SvgDocument.Points(svg.Polyline(name)).Should().HaveCount(rows.Count);
        }

        svg.Texts("legend-entry").Should().Equal("Active", "New", "Failed", "Connecting");
    }

    [Fact]
    public void ThroughputChartHasOneSeriesInKBPerSecond()
    {
        var points = TrafficAnalysis.Throughput(AnalysisInput.Parse(CompatFiles.Json(CompatFiles.Undisturbed)));

        var chart = AnalysisCharts.ThroughputChart(points);
        var svg = new SvgDocument(SvgWriter.Write(chart));

        chart.Series.Should().ContainSingle().Which.Points.Should().HaveCount(8);
        chart.Series[0].Points[0].Should().Be(new SvgPoint(1.501241544, 99.95091470549362));
        chart.YLabel.Should().Contain("KB/s");
        SvgDocument.Points(svg.Polyline("Throughput")).Should().HaveCount(8);
    }

    [Fact]
    public void AnotherSeriesCanBeAddedToTheThroughputChartOnTheRightAxis()
    {
        var chart = AnalysisCharts.ThroughputChart([new ThroughputPoint(1.5, 100), new ThroughputPoint(2.5, 90)]);
        var rtt = new SvgSeries("Round-trip time", [new SvgPoint(1.5, 0.3), new SvgPoint(2.5, 0.4)]) { Axis = SvgAxisSide.Right };

        var svg = new SvgDocument(SvgWriter.Write(chart with { Series = [.. chart.Series, rtt] }));

        svg.Polylines.Should().HaveCount(2);
        svg.Texts("axis-label").Should().Contain("Round-trip time (ms)");
    }

    [Fact]
    public void HostsChartHasLostAndLastingBarsPerHostAndNamesAMissingHost()
    {
        var report = new HostsReport([new HostCount("", 2), new HostCount("b", 3)], [new HostCount("a", 5), new HostCount("b", 1)]);

        var chart = AnalysisCharts.HostsChart(report);
        var svg = new SvgDocument(SvgWriter.Write(chart));

        chart.Categories.Should().Equal("(no host)", "a", "b");
        chart.Series.Select(s => s.Name).Should().Equal("Lost", "Lasting");
        chart.Series[0].Values.Should().Equal(2, 0, 3);
        chart.Series[1].Values.Should().Equal(0, 5, 1);
        svg.Bars.Should().HaveCount(6);
        chart.YLabel.Should().Be("Connections");
    }
}
