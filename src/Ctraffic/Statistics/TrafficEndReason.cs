namespace Ctraffic.Statistics;

/// <summary>Why a traffic run ended.</summary>
public enum TrafficEndReason
{
    /// <summary>The configured duration elapsed.</summary>
    DurationElapsed,

    /// <summary>The run was stopped (cancellation, <c>StopAsync</c>, SIGINT/SIGTERM).</summary>
    Stopped,

    /// <summary>All connection slots (connections × retries) were used: "Too many re-connects".</summary>
    TooManyReconnects,

    /// <summary>The source address provider had no address left.</summary>
    OutOfSourceAddresses,

    /// <summary>With re-connect off, every connection ended.</summary>
    AllConnectionsEnded,
}
