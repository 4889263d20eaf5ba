namespace Ctraffic.Charts;

/// <summary>
/// A labelled vertical line across the plot of a <see cref="SvgLineChart"/>, e.g. a moment of a
/// run: drawn as <c>&lt;line class="marker" data-marker="LABEL"&gt;</c> with the label beside it.
/// </summary>
/// <param name="Label">The text beside the line.</param>
/// <param name="X">Where the line is, on the horizontal axis (data units); a non-finite value is left out.</param>
internal sealed record SvgMarker(string Label, double X);
