namespace Ctraffic.Reports;

/// <summary>A span of a run, as times from its start.</summary>
/// <param name="Start">Start of the window.</param>
/// <param name="End">End of the window.</param>
public readonly record struct TimeWindow(TimeSpan Start, TimeSpan End)
{
    /// <summary>The length of the window.</summary>
    public TimeSpan Duration => End - Start;

    /// <summary>True if <paramref name="time"/> lies in the window (start included, end included).</summary>
    public bool Contains(TimeSpan time) => time >= Start && time <= End;

    /// <summary>True if the span from <paramref name="start"/> to <paramref name="end"/> overlaps the window.</summary>
    public bool Overlaps(TimeSpan start, TimeSpan end) => start <= End && end >= Start;

    /// <inheritdoc/>
    public override string ToString() => $"{Seconds(Start)}–{Seconds(End)}";

    internal static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.0##", System.Globalization.CultureInfo.InvariantCulture) + " s";
}
