namespace Ctraffic.Charts;

/// <summary>Series colors and dashes: distinct, readable on white, and the same series index always gets the same color.</summary>
internal static class SvgPalette
{
    private static readonly string[] Colors =
    [
        "#1f77b4", "#2ca02c", "#d62728", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    ];

    public static string Color(int index) => Colors[index % Colors.Length];

    /// <summary>The dash pattern of line series <paramref name="index"/>: every other one dashed, so that equal series stay visible.</summary>
    public static string? Dash(int index) => index % 2 == 1 ? "7,4" : null;
}
