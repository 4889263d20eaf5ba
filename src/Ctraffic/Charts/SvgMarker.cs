namespace Ctraffic.Charts;

/// <summary>
/// A labelled vertical line across the plot of a <see cref="SvgLineChart"/>, e.g. a moment of a
/// run: drawn as <c>&lt;line class="marker" data-marker="LABEL"&gt;</c> with the label beside it.
/// </summary>
/// <param name="Label">The text beside the line.</param>
/// <param name="X">Where the line is, on the horizontal axis (data units); a non-finite value is left out.</param>
/// <param name="EndX">
/// Where its span ends, for a span (e.g. a disruption from its start to its end): the plot is shaded
/// from <paramref name="X"/> to it, under the series, as <c>&lt;rect class="span" data-span="LABEL"&gt;</c>.
/// </param>
internal sealed record SvgMarker(string Label, double X, double? EndX = null);
