namespace Ctraffic.Charts;

/// <summary>Where things go on the page: a plot area with room for the title, the axes and a legend to the right.</summary>
internal sealed record SvgLayout(bool RightAxis)
{
    public const double Width = 900;
    public const double Height = 500;
    public const double LegendWidth = 170;
    public const double Left = 80;
    public const double Top = 60;
    public const double Bottom = Height - 80;
    public const double LegendX = Width - LegendWidth + 10;

    /// <summary>The right edge of the plot area, leaving room for a right axis when there is one.</summary>
    public double Right => Width - LegendWidth - (RightAxis ? 70 : 20);
}
