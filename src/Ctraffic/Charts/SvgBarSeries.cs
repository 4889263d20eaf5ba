namespace Ctraffic.Charts;

/// <summary>A named set of bars of a <see cref="SvgBarChart"/>: one bar per category, one legend entry.</summary>
/// <param name="Name">The name in the legend.</param>
/// <param name="Values">One value per category of the chart, in the same order; missing ones are 0.</param>
internal sealed record SvgBarSeries(string Name, IReadOnlyList<double> Values);
