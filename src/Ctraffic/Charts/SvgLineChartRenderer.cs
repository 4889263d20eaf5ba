namespace Ctraffic.Charts;

/// <summary>
/// Draws a <see cref="SvgLineChart"/>: the horizontal axis spans the data (from 0 when no value is
/// negative), each vertical axis spans 0 and its series' values, each series is one polyline of its
/// finite points (with dots when there are few; every other one dashed).
/// </summary>
internal static class SvgLineChartRenderer
{
    private const int MaximumDotted = 40;
    private const string MarkerColor = "#555555";
    private const string SpanColor = "#fbe3d9";

    public static string Render(SvgLineChart chart)
    {
        var series = chart.Series.Select(s => (s.Name, s.Axis, Points: s.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToArray())).ToArray();
        var layout = new SvgLayout(series.Any(s => s.Axis == SvgAxisSide.Right));
        var all = series.SelectMany(s => s.Points).ToArray();
        var markers = chart.Markers.Where(m => double.IsFinite(m.X)).ToArray();
        var xs = all.Select(p => p.X).Concat(markers.Select(m => m.X)).Concat(markers.Select(m => m.EndX ?? m.X).Where(double.IsFinite)).ToArray();
        var from = chart.XFrom is { } f && double.IsFinite(f) ? Math.Min(f, Min(xs)) : Math.Min(0, Min(xs));
        var x = new SvgScale(from, Max(xs), SvgLayout.Left, layout.Right);
        var y = YScale(series.Where(s => s.Axis == SvgAxisSide.Left).SelectMany(s => s.Points), layout);
        var y2 = YScale(series.Where(s => s.Axis == SvgAxisSide.Right).SelectMany(s => s.Points), layout);

        using var canvas = new SvgCanvas(SvgLayout.Width, SvgLayout.Height, chart.Title);
        SvgFrame.Title(canvas, layout, chart.Title);
        SvgFrame.VerticalAxis(canvas, layout, y, chart.YLabel, SvgAxisSide.Left);
        if (layout.RightAxis)
        {
            SvgFrame.VerticalAxis(canvas, layout, y2, chart.Y2Label ?? "", SvgAxisSide.Right);
        }

        canvas.BeginGroup("x-axis");
        foreach (var tick in x.Ticks)
        {
            var px = x.Map(tick);
            canvas.Line(px, SvgLayout.Bottom, px, SvgLayout.Bottom + 5, SvgFrame.AxisColor);
            canvas.Text(px, SvgLayout.Bottom + 20, x.Label(tick), "middle", cssClass: "tick");
        }

        SvgFrame.HorizontalAxisLine(canvas, layout, chart.XLabel);
        canvas.EndGroup();
        Markers(canvas, x, markers);

        for (var i = 0; i < series.Length; i++)
        {
            var (name, axis, points) = series[i];
            var scale = axis == SvgAxisSide.Left ? y : y2;
            var color = SvgPalette.Color(i);
            var pixels = points.Select(p => (x.Map(p.X), scale.Map(p.Y))).ToArray();
            canvas.Polyline(pixels, color, SvgPalette.Dash(i), [("class", "series"), ("data-series", name)], name);
            if (pixels.Length <= MaximumDotted)
            {
                foreach (var (px, py) in pixels)
                {
                    canvas.Circle(px, py, 2.5, color);
                }
            }
        }

        SvgFrame.Legend(canvas, layout, [.. series.Select(s => s.Axis == SvgAxisSide.Right ? s.Name + " (right axis)" : s.Name)], boxes: false);
        return canvas.Finish();
    }

    /// <summary>Each marker: a dashed vertical line across the plot, its label running down beside it from the top.</summary>
    private static void Markers(SvgCanvas canvas, SvgScale x, SvgMarker[] markers)
    {
        if (markers.Length == 0)
        {
            return;
        }

        var spans = markers.Where(m => m.EndX is { } end && double.IsFinite(end) && end > m.X).ToArray();
        if (spans.Length > 0)
        {
            canvas.BeginGroup("spans");
            foreach (var span in spans)
            {
                var (from, to) = (x.Map(span.X), x.Map(span.EndX!.Value));
                canvas.Rect(from, SvgLayout.Top, Math.Max(1, to - from), SvgLayout.Bottom - SvgLayout.Top, SpanColor,
                    [("class", "span"), ("data-span", span.Label)], span.Label);
            }

            canvas.EndGroup();
        }

        canvas.BeginGroup("markers");
        foreach (var marker in markers)
        {
            var px = x.Map(marker.X);
            canvas.Line(px, SvgLayout.Top, px, SvgLayout.Bottom, MarkerColor, 1.5, "4,3", [("class", "marker"), ("data-marker", marker.Label)], marker.Label);
            canvas.Text(px + 4, SvgLayout.Top + 4, marker.Label, "start", 11, rotate: 90, cssClass: "marker-label");
        }

        canvas.EndGroup();
    }

    private static SvgScale YScale(IEnumerable<SvgPoint> points, SvgLayout layout)
    {
        var values = points.Select(p => p.Y).ToArray();
        return new SvgScale(Math.Min(0, Min(values)), Math.Max(0, Max(values)), SvgLayout.Bottom, SvgLayout.Top);
    }

    private static double Min(IEnumerable<double> values) => values.DefaultIfEmpty(0).Min();

    private static double Max(IEnumerable<double> values) => values.DefaultIfEmpty(1).Max();
}
