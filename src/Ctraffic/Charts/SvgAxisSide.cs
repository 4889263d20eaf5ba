namespace Ctraffic.Charts;

/// <summary>Which vertical axis a line series is drawn against.</summary>
internal enum SvgAxisSide
{
    /// <summary>The left axis (<see cref="SvgLineChart.YLabel"/>).</summary>
    Left,

    /// <summary>The right axis (<see cref="SvgLineChart.Y2Label"/>), for a series in other units, e.g. a round-trip time in ms.</summary>
    Right,
}
