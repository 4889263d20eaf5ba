namespace Ctraffic.Reports;

/// <summary>
/// A span in which a connection got no echo it should have got: from when the next echo was due
/// (its last echo + one packet interval) to the echo that ended the silence (or the end of the run).
/// </summary>
/// <param name="Connection">The connection (0 to connections − 1; re-connects keep the number).</param>
/// <param name="Start">When the missing echo was due, from the start of the run.</param>
/// <param name="End">When an echo came again, or the end of the run if none did.</param>
/// <param name="Recovered">False if the connection got no echo again before the run ended.</param>
public sealed record Outage(int Connection, TimeSpan Start, TimeSpan End, bool Recovered)
{
    /// <summary>The length of the outage.</summary>
    public TimeSpan Duration => End - Start;

    /// <inheritdoc/>
    public override string ToString()
        => $"connection {Connection}: {TimeWindow.Seconds(Duration)} from {TimeWindow.Seconds(Start)}{(Recovered ? "" : " (not recovered)")}";
}
