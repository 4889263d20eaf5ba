using System.Globalization;

namespace Ctraffic.Charts;

/// <summary>
/// Draws a <see cref="SvgBarChart"/>: a group of bars per category along the horizontal axis, the
/// vertical axis from 0 to the largest value, each bar labelled with its value.
/// </summary>
internal static class SvgBarChartRenderer
{
    private const int MaximumLabelLength = 24;
    private const double MaximumBarWidth = 70;

    public static string Render(SvgBarChart chart)
    {
        var layout = new SvgLayout(RightAxis: false);
        var categories = chart.Categories;
        var values = chart.Series.Select(s => categories.Select((_, i) => Value(s, i)).ToArray()).ToArray();
        var y = new SvgScale(0, values.SelectMany(v => v).DefaultIfEmpty(0).Max(), SvgLayout.Bottom, SvgLayout.Top);

        using var canvas = new SvgCanvas(SvgLayout.Width, SvgLayout.Height, chart.Title);
        SvgFrame.Title(canvas, layout, chart.Title);
        SvgFrame.VerticalAxis(canvas, layout, y, chart.YLabel, SvgAxisSide.Left);

        var band = (layout.Right - SvgLayout.Left) / Math.Max(1, categories.Count);
        var group = Math.Min(band * 0.7, MaximumBarWidth * Math.Max(1, chart.Series.Count));
        var barWidth = group / Math.Max(1, chart.Series.Count);
        var slanted = band < 90;
        canvas.BeginGroup("x-axis");
        for (var i = 0; i < categories.Count; i++)
        {
            var center = SvgLayout.Left + (band * (i + 0.5));
            canvas.Text(center, SvgLayout.Bottom + 18, Shorten(categories[i]), slanted ? "end" : "middle", rotate: slanted ? -35 : 0, cssClass: "category");
        }

        SvgFrame.HorizontalAxisLine(canvas, layout, chart.XLabel);
        canvas.EndGroup();

        if (categories.Count == 0)
        {
            canvas.Text((SvgLayout.Left + layout.Right) / 2, (SvgLayout.Top + SvgLayout.Bottom) / 2, "No data", "middle", 14);
        }

        for (var j = 0; j < chart.Series.Count; j++)
        {
            var name = chart.Series[j].Name;
            for (var i = 0; i < categories.Count; i++)
            {
                var v = values[j][i];
                var x = SvgLayout.Left + (band * (i + 0.5)) - (group / 2) + (j * barWidth);
                var top = y.Map(v);
                var text = v.ToString("0.##", CultureInfo.InvariantCulture);
                canvas.Rect(
                    x + 1,
                    top,
                    Math.Max(1, barWidth - 2),
                    SvgLayout.Bottom - top,
                    SvgPalette.Color(j),
                    [("class", "bar"), ("data-series", name), ("data-category", categories[i]), ("data-value", text)],
                    $"{name} {categories[i]}: {text}");
                canvas.Text(x + (barWidth / 2), top - 4, text, "middle", 11, cssClass: "bar-value");
            }
        }

        SvgFrame.Legend(canvas, layout, [.. chart.Series.Select(s => s.Name)], boxes: true);
        return canvas.Finish();
    }

    private static double Value(SvgBarSeries series, int index)
        => index < series.Values.Count && double.IsFinite(series.Values[index]) ? series.Values[index] : 0;

    private static string Shorten(string label)
        => label.Length <= MaximumLabelLength ? label : string.Concat(label.AsSpan(0, MaximumLabelLength - 1), "\u2026");
}
