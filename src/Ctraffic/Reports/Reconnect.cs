namespace Ctraffic.Reports;

/// <summary>A connection that failed, and how it came back.</summary>
/// <param name="Connection">The connection (0 to connections − 1).</param>
/// <param name="FailedAt">When the failure was seen, from the start of the run.</param>
/// <param name="ConnectedAt">When the new connection was established; <see langword="null"/> if it never was.</param>
/// <param name="FirstEchoAt">When the new connection got its first echo; <see langword="null"/> if it never did.</param>
public sealed record Reconnect(int Connection, TimeSpan FailedAt, TimeSpan? ConnectedAt, TimeSpan? FirstEchoAt)
{
    /// <summary>From the failure to the new connection; <see langword="null"/> if it never connected.</summary>
    public TimeSpan? TimeToReconnect => ConnectedAt - FailedAt;

    /// <summary>From the failure to the first echo on the new connection; <see langword="null"/> if none came.</summary>
    public TimeSpan? TimeToRecover => FirstEchoAt - FailedAt;
}
