namespace Ctraffic.Statistics;

/// <summary>
/// What happened on one connection slot: one entry of the <c>ConnStats</c> array of the ctraffic JSON.
/// Every re-connect after a failure uses a new slot, so one entry describes one TCP connection
/// (or the attempts to make one).
/// </summary>
public sealed record ConnectionStats
{
    /// <summary>Which of the run's connections this slot belongs to (0 to connections − 1; a re-connect keeps the number). Not in the JSON.</summary>
    public int Connection { get; init; }

    /// <summary>When the slot was taken, from the start of the run.</summary>
    public TimeSpan Started { get; init; }

    /// <summary>When the connection was established, from the start of the run; <see langword="null"/> if it never connected.</summary>
    public TimeSpan? Connected { get; init; }

    /// <summary>
    /// When the connection ended, from the start of the run. For a connection that lasted to the end
    /// this is the configured duration, as in the original.
    /// </summary>
    public TimeSpan Ended { get; init; }

    /// <summary>The error that ended the connection; <see langword="null"/> when it ended without error.</summary>
    public string? Error { get; init; }

    /// <summary>Packets written.</summary>
    public long Sent { get; init; }

    /// <summary>Echoes received.</summary>
    public long Received { get; init; }

    /// <summary>Packets not sent because the sender fell behind its pace (the original's drop rule).</summary>
    public long Dropped { get; init; }

    /// <summary>TCP retransmits (<c>tcpi_total_retrans</c>) of this connection, read when it ended, failed or not.</summary>
    public long Retransmits { get; init; }

    /// <summary>Failed connect attempts made in this slot before it connected (or gave up).</summary>
    public long FailedConnects { get; init; }

    /// <summary>The local address and port, e.g. <c>127.0.0.1:45124</c>; empty if it never connected.</summary>
    public string Local { get; init; } = "";

    /// <summary>The server address and port; empty if it never connected.</summary>
    public string Remote { get; init; } = "";

    /// <summary>The host name the server wrote in its first reply; empty when none was received.</summary>
    public string Host { get; init; } = "";

    /// <summary>
    /// How the slot ended: for a lost connection, the kind of its error (a FIN, a RST, a time-out...);
    /// for a slot that never connected, the kind of its last connect attempt; otherwise whether it
    /// lasted to the end or was stopped. In the JSON as the added field <c>EndKind</c>; read from a
    /// file without it (the original's), it is taken from <see cref="Error"/>.
    /// </summary>
    public ConnectionEndKind EndKind
    {
        get => _endKind ?? (Error is { } error ? ConnectionEnds.Classify(error) : Connected is null ? ConnectionEndKind.Stopped : ConnectionEndKind.Completed);
        init => _endKind = value;
    }

    private readonly ConnectionEndKind? _endKind;

    /// <summary><see langword="true"/> if the connection ended with an error (a "lost" connection).</summary>
    public bool Failed => Error is not null;

    /// <summary>Packets written but never echoed (lost in flight when the connection failed).</summary>
    public long LostInFlight => Math.Max(0, Sent - Received);
}
