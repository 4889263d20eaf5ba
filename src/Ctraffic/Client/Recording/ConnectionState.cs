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

    public long Retransmits { get; set; }

    /// <summary>Of <c>tcpi_total_retrans</c>, how much has been counted in slices so far.</summary>
    public long RetransmitsCounted;

    public long FailedConnects { get; set; }

    public string Local { get; set; } = "";

    public string Remote { get; set; } = "";

    public string Host { get; set; } = "";

    public ConnectionPhase Phase
    {
        get => (ConnectionPhase)Volatile.Read(ref _phase);
        set => Volatile.Write(ref _phase, (int)value);
    }

    public long Sent => Volatile.Read(ref _sent);

    public long Received => Volatile.Read(ref _received);

    public long Dropped => Volatile.Read(ref _dropped);

    public void CountSent() => Volatile.Write(ref _sent, _sent + 1);

    public void CountReceived() => Volatile.Write(ref _received, _received + 1);

    public void CountDropped() => Volatile.Write(ref _dropped, _dropped + 1);

    public ConnectionStats ToStats(long nowTicks, Func<long, TimeSpan> toTime) => new()
    {
        Connection = Lane,
        Started = toTime(StartedTicks),
        Connected = ConnectedTicks >= 0 ? toTime(ConnectedTicks) : null,
        Ended = toTime(EndedTicks >= 0 ? EndedTicks : nowTicks),
        Error = Error,
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
