namespace Ctraffic.Charts;

/// <summary>A named line of a <see cref="SvgLineChart"/>: drawn as one polyline and one legend entry.</summary>
/// <param name="Name">The name in the legend.</param>
/// <param name="Points">The points, in drawing order.</param>
internal sealed record SvgSeries(string Name, IReadOnlyList<SvgPoint> Points)
{
    /// <summary>The vertical axis the series is drawn against; the left one unless set.</summary>
    public SvgAxisSide Axis { get; init; } = SvgAxisSide.Left;
}
