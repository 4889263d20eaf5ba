namespace Ctraffic.Charts;

/// <summary>
/// A line chart of named series over a common horizontal axis. Add a series with
/// <c>chart with { Series = [.. chart.Series, more] }</c>; one in other units goes on the right axis
/// (<see cref="SvgSeries.Axis"/>, labelled <see cref="Y2Label"/>).
/// </summary>
internal sealed record SvgLineChart
{
    /// <summary>The title above the chart.</summary>
    public required string Title { get; init; }

    /// <summary>The label of the horizontal axis, with its unit, e.g. "Time (s)".</summary>
    public required string XLabel { get; init; }

    /// <summary>
    /// Where the horizontal axis starts (widened down to a tick), e.g. the start of a window of a run;
    /// <see langword="null"/> starts it at 0, or at the smallest value if one is negative. The default value is <see langword="null"/>.
    /// </summary>
    public double? XFrom { get; init; }

    /// <summary>The label of the left axis, with its unit, e.g. "Throughput (KB/s)".</summary>
    public required string YLabel { get; init; }

    /// <summary>The label of the right axis; it is drawn only when a series uses it.</summary>
    public string? Y2Label { get; init; }

    /// <summary>The series, drawn in order with the colors of a fixed palette.</summary>
    public IReadOnlyList<SvgSeries> Series { get; init; } = [];

    /// <summary>Vertical lines with a label, drawn over the series; the horizontal axis is widened to include them. The default value is empty.</summary>
    public IReadOnlyList<SvgMarker> Markers { get; init; } = [];
}
