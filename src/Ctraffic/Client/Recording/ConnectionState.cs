using Ctraffic.Statistics;

namespace Ctraffic.Client.Recording;

/// <summary>The phase of a connection slot.</summary>
internal enum ConnectionPhase
{
    Connecting,
    Active,
    Ended,
}

/// <summary>
/// The mutable record of one connection slot. Written only by the lane that owns it; read by the
/// sampler and monitor with volatile reads (64-bit reads are atomic on 64-bit platforms).
/// </summary>
internal sealed class ConnectionState
{
    private long _sent;
    private long _received;
    private long _dropped;
    private int _phase;

    public ConnectionState(int slot, int lane, long startedTicks)
    {
        Slot = slot;
        Lane = lane;
        StartedTicks = startedTicks;
    }

    public int Slot { get; }

    public int Lane { get; }

    /// <summary>Timestamp ticks since the run start.</summary>
    public long StartedTicks { get; }

    /// <summary>Ticks since the run start at connect, or -1.</summary>
    public long ConnectedTicks { get; set; } = -1;

    /// <summary>Ticks since the run start at the end, or -1 while live.</summary>
    public long EndedTicks { get; set; } = -1;

    public string? Error { get; set; }

    /// <summary>How the slot ended (set with <see cref="Error"/>).</summary>
    public ConnectionEndKind EndKind { get; set; }

    /// <summary>The kind of the last failed connect attempt, or <see cref="ConnectionEndKind.Open"/> if none failed.</summary>
    public ConnectionEndKind ConnectKind { get; set; }

    /// <summary>The timestamp at which the socket's end (a FIN or RST) was first seen by the run's watch; 0 if not.</summary>
    public long EndSeenAt;

    public long Retransmits { get; set; }

    /// <summary>Of <c>tcpi_total_retrans</c>, how much has been counted in slices so far.</summary>
    public long RetransmitsCounted;

    public long FailedConnects { get; set; }

    public string Local { get; set; } = "";

    public string Remote { get; set; } = "";

    public string Host { get; set; } = "";

    /// <summary>The index of <see cref="Host"/> in the run's per-host round trips, or -1.</summary>
    public int HostIndex { get; set; } = -1;

    public ConnectionPhase Phase
    {
        get => (ConnectionPhase)Volatile.Read(ref _phase);
        set => Volatile.Write(ref _phase, (int)value);
    }

    public long Sent => Volatile.Read(ref _sent);

    public long Received => Volatile.Read(ref _received);

    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>
    /// The socket was seen to end (a FIN or RST arrived) at <paramref name="now"/>, before the lane
    /// itself read it; its end is recorded at this time. <see langword="false"/> if it had been seen already.
    /// </summary>
    public bool SeeEnd(long now) => Interlocked.CompareExchange(ref EndSeenAt, now, 0) == 0;

    public void CountSent() => Volatile.Write(ref _sent, _sent + 1);

    public void CountReceived() => Volatile.Write(ref _received, _received + 1);

    public void CountDropped(int count) => Volatile.Write(ref _dropped, _dropped + count);

    public ConnectionStats ToStats(long nowTicks, Func<long, TimeSpan> toTime) => new()
    {
        Connection = Lane,
        Started = toTime(StartedTicks),
        Connected = ConnectedTicks >= 0 ? toTime(ConnectedTicks) : null,
        Ended = toTime(EndedTicks >= 0 ? EndedTicks : nowTicks),
        Error = Error,
        EndKind = EndedTicks >= 0 ? EndKind : ConnectionEndKind.Open,
        Sent = Sent,
        Received = Received,
        Dropped = Dropped,
        Retransmits = Retransmits,
        FailedConnects = FailedConnects,
        Local = Local,
        Remote = Remote,
        Host = Host,
    };
}
