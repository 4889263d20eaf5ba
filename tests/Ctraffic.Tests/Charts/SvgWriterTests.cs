using Ctraffic.Charts;
using FluentAssertions;
using Xunit;

namespace Ctraffic.Tests.Charts;

public class SvgWriterTests
{
    private static SvgLineChart Chart(params SvgSeries[] series)
        => new() { Title = "Rates", XLabel = "Time (s)", YLabel = "KB/s", Y2Label = "RTT (ms)", Series = series };

    private static SvgSeries Line(string name, params double[] ys)
        => new(name, [.. ys.Select((y, i) => new SvgPoint(i + 0.5, y))]);

    [Fact]
    public void LineChartIsAnSvgDocumentWithTitleAxisLabelsAndViewBox()
    {
        var svg = new SvgDocument(SvgWriter.Write(Chart(Line("A", 1, 2, 3))));

        svg.Root.Name.Should().Be(SvgDocument.Svg + "svg");
        ((string?)svg.Root.Attribute("viewBox")).Should().Be("0 0 900 500");
        svg.Root.Element(SvgDocument.Svg + "title")!.Value.Should().Be("Rates");
        svg.Texts("title").Should().Equal("Rates");
        svg.Texts("axis-label").Should().Equal("KB/s", "Time (s)");
    }

    [Fact]
    public void EachSeriesIsOnePolylineWithOnePointPerDataPointAndALegendEntry()
    {
        var svg = new SvgDocument(SvgWriter.Write(Chart(Line("Active", 40, 40, 35, 0), Line("Failed", 0, 0, 5, 12))));

        svg.Polylines.Should().HaveCount(2);
        SvgDocument.Points(svg.Polyline("Active")).Should().HaveCount(4);
        SvgDocument.Points(svg.Polyline("Failed")).Should().HaveCount(4);
        svg.Texts("legend-entry").Should().Equal("Active", "Failed");
        ((string?)svg.Polyline("Active").Attribute("stroke")).Should().NotBe((string?)svg.Polyline("Failed").Attribute("stroke"));
    }

    [Fact]
    public void HigherValuesAreDrawnHigherAndLaterPointsFurtherRight()
    {
        var svg = new SvgDocument(SvgWriter.Write(Chart(Line("A", 0, 10, 5))));

        var p = SvgDocument.Points(svg.Polyline("A"));
        p[0].X.Should().BeLessThan(p[1].X);
        p[1].X.Should().BeLessThan(p[2].X);
        p[1].Y.Should().BeLessThan(p[2].Y, "SVG y grows downwards");
        p[2].Y.Should().BeLessThan(p[0].Y);
    }

    [Fact]
    public void TickLabelsAreNiceInvariantNumbersCoveringTheData()
    {
        var svg = new SvgDocument(SvgWriter.Write(Chart(Line("A", 0.5, 101))));

        svg.Texts("tick").Should().Contain(["0", "25", "50", "75", "100", "125"]);
        svg.Texts("tick").Should().Contain(["0.5", "1", "1.5"], "x runs from 0 past 1.5 in steps of 0.5");
    }

    [Fact]
    public void NonFinitePointsAreLeftOutOfTheLine()
    {
        var svg = new SvgDocument(SvgWriter.Write(Chart(Line("A", 1, double.NaN, double.PositiveInfinity, 2))));

        SvgDocument.Points(svg.Polyline("A")).Should().HaveCount(2);
    }

    [Fact]
    public void ASeriesOnTheRightAxisGetsTheRightAxisAndItsLabel()
    {
        var rtt = Line("RTT", 0.2, 0.4) with { Axis = SvgAxisSide.Right };
        var withRight = new SvgDocument(SvgWriter.Write(Chart(Line("A", 100, 100), rtt)));
        var without = new SvgDocument(SvgWriter.Write(Chart(Line("A", 100, 100))));

        withRight.Texts("axis-label").Should().Contain("RTT (ms)");
        withRight.Texts("legend-entry").Should().Equal("A", "RTT (right axis)");
        SvgDocument.Points(withRight.Polyline("RTT"))[1].Y.Should().BeApproximately(SvgDocument.Points(withRight.Polyline("A"))[1].Y, 60,
            "0.4 ms is near the top of its own axis, as 100 KB/s is of the left one");
        without.Texts("axis-label").Should().NotContain("RTT (ms)");
    }

    [Fact]
    public void TextIsXmlEscapedAndCharactersXmlCannotHoldAreReplaced()
    {
        var text = SvgWriter.Write(Chart(Line("a<b & \"c\"\u0001", 1)) with { Title = "<Throughput> & more" });

        var svg = new SvgDocument(text);
        svg.Texts("title").Should().Equal("<Throughput> & more");
        svg.Texts("legend-entry").Should().Equal("a<b & \"c\"\uFFFD");
        text.Should().Contain("&lt;Throughput&gt; &amp; more");
    }

    [Fact]
    public void AChartWithoutPointsIsStillAValidDocument()
    {
        var svg = new SvgDocument(SvgWriter.Write(Chart(Line("Empty"))));

        SvgDocument.Points(svg.Polyline("Empty")).Should().BeEmpty();
        svg.Texts("tick").Should().NotBeEmpty();
    }

    [Fact]
    public void BarChartHasOneBarPerSeriesAndCategoryWithItsValue()
    {
        var chart = new SvgBarChart
        {
            Title = "Hosts",
            XLabel = "Host",
            YLabel = "Connections",
            Categories = ["vm-1", "vm-2", "vm-3"],
            Series = [new SvgBarSeries("Lost", [3, 0, 1]), new SvgBarSeries("Lasting", [7, 10])],
        };

        var svg = new SvgDocument(SvgWriter.Write(chart));

        svg.Bars.Should().HaveCount(6);
        svg.Bars.Select(b => $"{b.Attribute("data-series")!.Value}/{b.Attribute("data-category")!.Value}={b.Attribute("data-value")!.Value}")
            .Should().Equal("Lost/vm-1=3", "Lost/vm-2=0", "Lost/vm-3=1", "Lasting/vm-1=7", "Lasting/vm-2=10", "Lasting/vm-3=0");
        svg.Texts("category").Should().Equal("vm-1", "vm-2", "vm-3");
        svg.Texts("legend-entry").Should().Equal("Lost", "Lasting");
        double Height(int i) => double.Parse(svg.Bars[i].Attribute("height")!.Value, System.Globalization.CultureInfo.InvariantCulture);
        Height(4).Should().BeGreaterThan(Height(3)).And.BeGreaterThan(Height(0));
    }

    [Fact]
    public void ABarChartWithoutCategoriesSaysSo()
    {
        var text = SvgWriter.Write(new SvgBarChart { Title = "Hosts", XLabel = "Host", YLabel = "Connections", Series = [new SvgBarSeries("Lost", [])] });

        new SvgDocument(text).Bars.Should().BeEmpty();
        text.Should().Contain("No data");
    }
}
