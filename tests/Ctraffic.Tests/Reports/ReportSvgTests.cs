using System.Globalization;
using System.Xml.Linq;
using Ctraffic.Charts;
using Ctraffic.Internal;
using Ctraffic.Reports;
using Ctraffic.Statistics;
using Ctraffic.Tests.Charts;
using FluentAssertions;
using Xunit;

namespace Ctraffic.Tests.Reports;

public class ReportSvgTests
{
    // A 3 s run of 10 connections, 10 packets of 1 KB a second each (100 KB/s): the server is
    // killed at 1.0 s and every connection is without echoes until 1.5 s; 4 packets dropped at 1.2 s.
    private static TrafficReport KilledAtOneSecond()
        => Report(
            [.. Enumerable.Range(0, 10).Select(c => new Outage(c, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.5), Recovered: true))],
            [new Mark("steady", TimeSpan.FromSeconds(0.5)), new Mark("kill backend-1", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.01)), new Mark("restart <backend-1>", TimeSpan.FromSeconds(1.4))]);

    private static TrafficReport Report(IReadOnlyList<Outage> outages, IReadOnlyList<Mark> marks, IReadOnlyList<ConnectionStats>? connections = null)
    {
        var slices = new SliceLog(TimeSpan.TicksPerSecond);
        for (var i = 0; i < 30; i++)
        {
            var slice = slices.At(i * TimeSpan.TicksPerSecond / 10);
            var down = i is >= 10 and < 15;
            slice.Sent = 10;
            slice.Received = down ? 0 : 10;
            slice.Dropped = i == 12 ? 4 : 0;
        }

        return new TrafficReport(
            new ReportData
            {
                Statistics = new TrafficStatistics { Connections = 10, PacketSize = 1024, Sent = 300, Received = 250, Dropped = 4, ConnStats = connections ?? [] },
                Slices = slices,
                ToTime = TimeSpan.FromTicks,
                Outages = outages,
                Reconnects = [],
                Marks = marks,
                Lives = [.. Enumerable.Range(0, 10).Select(_ => new TimeWindow(TimeSpan.FromSeconds(0.05), TimeSpan.FromSeconds(3)))],
                PacketInterval = TimeSpan.FromMilliseconds(100),
                End = TimeSpan.FromSeconds(3),
            },
            new TimeWindow(TimeSpan.Zero, TimeSpan.FromSeconds(3)),
            null);
    }

    private static double YAt(SvgDocument svg, string series, int index) => SvgDocument.Points(svg.Polyline(series))[index].Y;

    private static IReadOnlyList<string> XTicks(SvgDocument svg)
        => [.. svg.Root.Descendants(SvgDocument.Svg + "g").Single(g => (string?)g.Attribute("class") == "x-axis")
            .Elements(SvgDocument.Svg + "text").Where(e => (string?)e.Attribute("class") == "tick").Select(e => e.Value)];

    private static IReadOnlyList<XElement> Markers(SvgDocument svg)
        => [.. svg.Root.Descendants(SvgDocument.Svg + "line").Where(e => (string?)e.Attribute("class") == "marker")];

    [Fact]
    public void TheTimelineIsAnSvgDocumentWithReceivedDroppedAndOutageSeries()
    {
        var svg = new SvgDocument(ReportSvg.Timeline(KilledAtOneSecond()));

        svg.Root.Name.Should().Be(SvgDocument.Svg + "svg");
        svg.Polylines.Select(p => (string?)p.Attribute("data-series")).Should().Equal(ReportSvg.ReceivedSeries, ReportSvg.DroppedSeries, ReportSvg.OutageSeries, ReportSvg.LostConnectionsSeries);
        svg.Texts("legend-entry").Should().Equal("Received", "Dropped (right axis)", "Outages (right axis)", "Lost connections (right axis)");
        svg.Texts("title").Should().Equal("ctraffic timeline");
    }

    [Fact]
    public void EachSliceIsOnePointAndTheKillShowsAsAGapInThroughputAndTenConnectionsInOutage()
    {
        var svg = new SvgDocument(ReportSvg.Timeline(KilledAtOneSecond()));

        foreach (var series in new[] { ReportSvg.ReceivedSeries, ReportSvg.DroppedSeries, ReportSvg.OutageSeries })
        {
            SvgDocument.Points(svg.Polyline(series)).Should().HaveCount(30, "a 3 s run has 30 slices of 100 ms");
        }

        YAt(svg, ReportSvg.ReceivedSeries, 12).Should().BeGreaterThan(YAt(svg, ReportSvg.ReceivedSeries, 5), "nothing is received while the server is down (SVG y grows downwards)");
        YAt(svg, ReportSvg.ReceivedSeries, 20).Should().Be(YAt(svg, ReportSvg.ReceivedSeries, 5), "the throughput is back after the outage");
        YAt(svg, ReportSvg.OutageSeries, 12).Should().BeLessThan(YAt(svg, ReportSvg.OutageSeries, 5), "ten connections are in an outage");
        YAt(svg, ReportSvg.OutageSeries, 16).Should().Be(YAt(svg, ReportSvg.OutageSeries, 5));
        YAt(svg, ReportSvg.DroppedSeries, 12).Should().BeLessThan(YAt(svg, ReportSvg.DroppedSeries, 11), "4 packets were dropped in that slice");
    }

    [Fact]
    public void AnOutageShorterThanASliceCountsInTheSliceItFallsIn()
    {
        var svg = new SvgDocument(ReportSvg.Timeline(Report([new Outage(3, TimeSpan.FromSeconds(0.61), TimeSpan.FromSeconds(0.64), Recovered: true)], [])));

        var outages = SvgDocument.Points(svg.Polyline(ReportSvg.OutageSeries));
        outages.Select(p => p.Y).Distinct().Should().HaveCount(2, "one slice has a connection in an outage, the others none");
        outages[6].Y.Should().BeLessThan(outages[5].Y);
    }

    [Fact]
    public void AConnectionCountsOnceInASliceHoweverManyOfItsOutagesFallInIt()
    {
        Outage Out(int connection, double from, double to) => new(connection, TimeSpan.FromSeconds(from), TimeSpan.FromSeconds(to), Recovered: true);
        var report = Report([Out(1, 0.61, 0.62), Out(1, 0.65, 0.66), Out(2, 0.6, 0.8), Out(3, 0.79, 1.21)], []);

        var svg = new SvgDocument(ReportSvg.Timeline(report));

        var y = SvgDocument.Points(svg.Polyline(ReportSvg.OutageSeries)).Select(p => p.Y).ToList();
        var zero = y[0];
        var one = y[8];
        var two = y[6];
        two.Should().BeLessThan(one).And.BeLessThan(zero);
        y[5].Should().Be(zero);
        y[7].Should().Be(two, "connections 2 and 3 are both down between 0.79 s and 0.8 s");
        y[9..13].Should().OnlyContain(v => v == one, "connection 3 is down until 1.21 s");
        y[13].Should().Be(zero);
    }

    [Fact]
    public void ThroughputIsInKilobytesPerSecondOnTheLeftAxisAndCountsOnTheRight()
    {
        var svg = new SvgDocument(ReportSvg.Timeline(KilledAtOneSecond()));

        svg.Texts("axis-label").Should().Contain(["Received (KB/s)", "Time (s)", "Dropped packets / connections in outage / lost"]);
        var ticks = svg.Texts("tick");
        ticks.Should().Contain("100", "100 KB/s is received in steady state and the axis covers it");
        ticks.Should().Contain("10", "ten connections were in an outage at once and the right axis covers it");
    }

    [Fact]
    public void LostConnectionsAreASeriesInTheSliceTheyEndedIn()
    {
        // Given 3 connections reset at 1.05 s and 1.08 s and one that lasted
        var lost = new[] { 1.05, 1.05, 1.08 }.Select(t => new ConnectionStats { Connected = TimeSpan.Zero, Ended = TimeSpan.FromSeconds(t), Error = "EOF" });
        var svg = new SvgDocument(ReportSvg.Timeline(Report([], [], [.. lost, new ConnectionStats { Connected = TimeSpan.Zero, Ended = TimeSpan.FromSeconds(3) }])));

        // Then the slice from 1.0 s has them all, the others none
        var points = SvgDocument.Points(svg.Polyline(ReportSvg.LostConnectionsSeries));
        points.Should().HaveCount(30);
        points.Select(p => p.Y).Distinct().Should().HaveCount(2);
        points[10].Y.Should().BeLessThan(points[9].Y, "three connections were lost in the slice from 1.0 s (SVG y grows downwards)");
    }

    [Fact]
    public void ADisruptionIsShadedFromItsStartToItsEndAndAPlainMarkIsNot()
    {
        var svg = new SvgDocument(ReportSvg.Timeline(Report([], [new Mark("steady", TimeSpan.FromSeconds(0.5)), new Mark("reload", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2))])));

        var spans = svg.Root.Descendants(SvgDocument.Svg + "rect").Where(e => (string?)e.Attribute("class") == "span").ToList();
        spans.Should().ContainSingle().Which.Attribute("data-span")!.Value.Should().Be("reload");
        var marker = Markers(svg).Single(m => (string?)m.Attribute("data-marker") == "reload");
        double.Parse(spans[0].Attribute("x")!.Value, CultureInfo.InvariantCulture).Should().BeApproximately(double.Parse(marker.Attribute("x1")!.Value, CultureInfo.InvariantCulture), 0.01);
        double.Parse(spans[0].Attribute("width")!.Value, CultureInfo.InvariantCulture).Should().BeGreaterThan(100, "one of the 3 s of a plot some 800 pixels wide");
    }

    [Fact]
    public void EveryMarkIsALabelledVerticalLineAtItsTime()
    {
        var text = ReportSvg.Timeline(KilledAtOneSecond());
        var svg = new SvgDocument(text);

        var markers = Markers(svg);
        markers.Select(m => (string?)m.Attribute("data-marker")).Should().Equal("steady", "kill backend-1", "restart <backend-1>");
        markers.Should().OnlyContain(m => (string?)m.Attribute("x1") == (string?)m.Attribute("x2"), "a marker is vertical");
        svg.Texts("marker-label").Should().Equal("steady", "kill backend-1", "restart <backend-1>");
        text.Should().Contain("restart &lt;backend-1&gt;");

        // The kill marker stands where the throughput falls: between the points of slices 9 and 10.
        var kill = double.Parse((string)markers[1].Attribute("x1")!, CultureInfo.InvariantCulture);
        var received = SvgDocument.Points(svg.Polyline(ReportSvg.ReceivedSeries));
        kill.Should().BeGreaterThan(received[9].X).And.BeLessThan(received[10].X);
    }

    [Fact]
    public void AWindowShowsItsSlicesItsMarksAndItsNameOnly()
    {
        var window = KilledAtOneSecond().Window("kill backend-1");

        var svg = new SvgDocument(ReportSvg.Timeline(window));

        window.Period.Should().Be(new TimeWindow(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.4)));
        SvgDocument.Points(svg.Polyline(ReportSvg.ReceivedSeries)).Should().HaveCount(4, "the window is 1.0 s to 1.4 s");
        Markers(svg).Select(m => (string?)m.Attribute("data-marker")).Should().Equal("kill backend-1", "restart <backend-1>");
        svg.Texts("title").Should().Equal("ctraffic timeline: kill backend-1");
        XTicks(svg).Should().StartWith("1").And.EndWith("1.4", "the time axis covers the window, not the run from its start");
    }

    [Fact]
    public void ChartsWithoutMarkersOrAStartAreDrawnAsBefore()
    {
        var chart = new SvgLineChart
        {
            Title = "T",
            XLabel = "x",
            YLabel = "y",
            Series = [new SvgSeries("A", [new SvgPoint(0, 1), new SvgPoint(2, 3)])],
        };

        var plain = SvgWriter.Write(chart);
        var marked = new SvgDocument(SvgWriter.Write(chart with { Markers = [new SvgMarker("late", 7), new SvgMarker("nowhere", double.NaN)] }));

        plain.Should().NotContain("marker");
        Markers(marked).Select(m => (string?)m.Attribute("data-marker")).Should().Equal(["late"], "a marker without a finite position is left out");
        marked.Texts("tick").Should().Contain("8", "the horizontal axis (data to 2) is widened to show the marker at 7");
        var late = chart with { Series = [new SvgSeries("A", [new SvgPoint(1.5, 1), new SvgPoint(3, 2)])] };
        XTicks(new SvgDocument(SvgWriter.Write(late))).Should().StartWith("0", "the axis starts at 0 unless told otherwise");
        XTicks(new SvgDocument(SvgWriter.Write(late with { XFrom = 1.5 }))).Should().StartWith("1.5");
    }
}
