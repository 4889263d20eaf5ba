namespace Ctraffic.Client;

/// <summary>Live counters of a run, as the monitor line shows them.</summary>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="Active">Connections connected and not failed.</param>
/// <param name="FailedConnections">Connections failed so far.</param>
/// <param name="Connecting">Connections started but not yet connected.</param>
/// <param name="Sent">Packets written so far.</param>
/// <param name="Received">Echoes received so far.</param>
/// <param name="Dropped">Packets dropped so far.</param>
/// <param name="FailedConnects">Failed connect attempts so far.</param>
/// <param name="Echoing">Connections connected that got an echo within the last packet interval plus the outage threshold.</param>
public readonly record struct TrafficSnapshot(
    TimeSpan Elapsed,
    int Active,
    long FailedConnections,
    int Connecting,
    long Sent,
    long Received,
    long Dropped,
    long FailedConnects,
    int Echoing)
{
    /// <summary>The original's monitor line: <c>Conn act/fail/connecting: 200/0/0, Packets send/rec/dropped: 86/86/0</c>.</summary>
    public string ToMonitorLine()
        => $"Conn act/fail/connecting: {Active}/{FailedConnections}/{Connecting}, Packets send/rec/dropped: {Sent}/{Received}/{Dropped}";
}
