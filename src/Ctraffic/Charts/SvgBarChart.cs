namespace Ctraffic.Charts;

/// <summary>A grouped bar chart: for each category a group with one bar per series.</summary>
internal sealed record SvgBarChart
{
    /// <summary>The title above the chart.</summary>
    public required string Title { get; init; }

    /// <summary>The label of the horizontal axis, e.g. "Host".</summary>
    public required string XLabel { get; init; }

    /// <summary>The label of the vertical axis, with its unit, e.g. "Connections".</summary>
    public required string YLabel { get; init; }

    /// <summary>The categories along the horizontal axis, in order.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>The series; each has one value per category.</summary>
    public IReadOnlyList<SvgBarSeries> Series { get; init; } = [];
}
