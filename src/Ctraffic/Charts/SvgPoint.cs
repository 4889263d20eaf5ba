namespace Ctraffic.Charts;

/// <summary>A data point of a line series, in data units.</summary>
/// <param name="X">The value on the horizontal axis.</param>
/// <param name="Y">The value on the vertical axis; NaN and infinities are left out of the line.</param>
internal readonly record struct SvgPoint(double X, double Y);
