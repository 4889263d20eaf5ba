namespace Ctraffic.Charts;

/// <summary>
/// Writes charts as standalone SVG documents (900×500, no scripts, no external resources) that a
/// browser opens directly. Text is XML-escaped and numbers are culture-invariant. Each line series
/// is a <c>&lt;polyline class="series" data-series="NAME"&gt;</c> and each bar a
/// <c>&lt;rect class="bar" data-series="NAME" data-category="CATEGORY"&gt;</c> and each marker a
/// <c>&lt;line class="marker" data-marker="LABEL"&gt;</c>, so tools can find them.
/// </summary>
internal static class SvgWriter
{
    /// <summary>The SVG text of a line chart.</summary>
    /// <param name="chart">The chart.</param>
    public static string Write(SvgLineChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        return SvgLineChartRenderer.Render(chart);
    }

    /// <summary>The SVG text of a bar chart.</summary>
    /// <param name="chart">The chart.</param>
    public static string Write(SvgBarChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        return SvgBarChartRenderer.Render(chart);
    }
}
