namespace Ctraffic.Charts;

/// <summary>The parts every chart has: title, vertical axes with ticks and grid, axis labels and legend.</summary>
internal static class SvgFrame
{
    public const string AxisColor = "#333333";
    public const string GridColor = "#e0e0e0";

    public static void Title(SvgCanvas canvas, SvgLayout layout, string title)
        => canvas.Text((SvgLayout.Left + layout.Right) / 2, 30, title, "middle", 16, bold: true, cssClass: "title");

    /// <summary>A vertical axis with its ticks and label; the left one also draws the horizontal grid lines.</summary>
    public static void VerticalAxis(SvgCanvas canvas, SvgLayout layout, SvgScale scale, string label, SvgAxisSide side)
    {
        var x = side == SvgAxisSide.Left ? SvgLayout.Left : layout.Right;
        var direction = side == SvgAxisSide.Left ? -1 : 1;
        canvas.BeginGroup(side == SvgAxisSide.Left ? "y-axis" : "y2-axis");
        foreach (var tick in scale.Ticks)
        {
            var y = scale.Map(tick);
            if (side == SvgAxisSide.Left)
            {
                canvas.Line(SvgLayout.Left, y, layout.Right, y, GridColor);
            }

            canvas.Line(x, y, x + (direction * 5), y, AxisColor);
            canvas.Text(x + (direction * 8), y + 4, scale.Label(tick), side == SvgAxisSide.Left ? "end" : "start", cssClass: "tick");
        }

        canvas.Line(x, SvgLayout.Top, x, SvgLayout.Bottom, AxisColor);
        var labelX = side == SvgAxisSide.Left ? 22 : layout.Right + 58;
        var middle = (SvgLayout.Top + SvgLayout.Bottom) / 2;
        canvas.Text(labelX, middle, label, "middle", 13, rotate: side == SvgAxisSide.Left ? -90 : 90, cssClass: "axis-label");
        canvas.EndGroup();
    }

    public static void HorizontalAxisLine(SvgCanvas canvas, SvgLayout layout, string label)
    {
        canvas.Line(SvgLayout.Left, SvgLayout.Bottom, layout.Right, SvgLayout.Bottom, AxisColor);
        canvas.Text((SvgLayout.Left + layout.Right) / 2, SvgLayout.Bottom + 55, label, "middle", 13, cssClass: "axis-label");
    }

    /// <summary>The legend: one entry per series, a line (lines) or a box (bars) in its color and its name.</summary>
    public static void Legend(SvgCanvas canvas, SvgLayout layout, IReadOnlyList<string> names, bool boxes)
    {
        canvas.BeginGroup("legend");
        for (var i = 0; i < names.Count; i++)
        {
            var y = SvgLayout.Top + 10 + (i * 22);
            var color = SvgPalette.Color(i);
            if (boxes)
            {
                canvas.Rect(SvgLayout.LegendX, y - 9, 20, 12, color);
            }
            else
            {
                canvas.Line(SvgLayout.LegendX, y - 3, SvgLayout.LegendX + 24, y - 3, color, 3, SvgPalette.Dash(i));
            }

            canvas.Text(SvgLayout.LegendX + 28, y + 1, names[i], cssClass: "legend-entry");
        }

        canvas.EndGroup();
    }
}
