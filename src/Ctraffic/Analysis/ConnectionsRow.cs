namespace Ctraffic.Analysis;

/// <summary>One line of <c>-analyze connections</c>: the connection slots in one 1-second interval.</summary>
/// <param name="TimeSeconds">The middle of the interval, in seconds from the start of the run (0.5, 1.5, ...).</param>
/// <param name="Active">Slots still open at the end of the interval that had connected by then.</param>
/// <param name="New">Slots still open at the end of the interval that were taken during it.</param>
/// <param name="Failed">Slots that ended with an error during the interval.</param>
/// <param name="Connecting">Slots still open at the end of the interval that had not connected by then.</param>
public readonly record struct ConnectionsRow(double TimeSeconds, int Active, int New, int Failed, int Connecting);
