namespace Ctraffic.Reports;

/// <summary>What a disruption did to the connections of one server host (<see cref="DisruptionEffect.Hosts"/>).</summary>
/// <param name="Host">The host name its server sent, or <see cref="HostStatistics.NoReply"/>.</param>
/// <param name="LostConnections">The host's connections lost in the disruption's window.</param>
/// <param name="InterruptedConnections">The host's connections with an outage the disruption caused (see <see cref="DisruptionEffect.InterruptedConnections"/>).</param>
/// <param name="LongestOutage">The longest of those outages; zero if none.</param>
public sealed record DisruptionHost(string Host, int LostConnections, int InterruptedConnections, TimeSpan LongestOutage)
{
    /// <inheritdoc/>
    public override string ToString()
        => $"{Host}: {LostConnections} lost, {InterruptedConnections} interrupted{(LongestOutage > TimeSpan.Zero ? $" (longest outage {TimeWindow.Seconds(LongestOutage)})" : "")}";
}
