namespace Ctraffic.Internal;

/// <summary>
/// The counters of one 100 ms slice of a run, or of a part of one: a mark splits the slice it falls
/// in (<see cref="SliceLog.Split"/>), so that a window that starts or ends at a mark holds exactly
/// the packets sent after or before it. Every packet is counted in the part of its send time, and
/// so are its echo, its loss and its being in flight at the end: a part's <see cref="Received"/> is
/// never more than its <see cref="Sent"/>.
/// </summary>
internal sealed class Slice
{
    /// <summary>Creates a slice, or a part of one, that starts <paramref name="startTicks"/> after the run start.</summary>
    public Slice(long startTicks) => StartTicks = startTicks;

    /// <summary>Timestamp ticks from the run start to the start of this slice or part.</summary>
    public long StartTicks { get; }

    /// <summary>The next part of the same 100 ms slice (a mark split it), or <see langword="null"/>.</summary>
    public Slice? Next
    {
        get => Volatile.Read(ref _next);
        set => Volatile.Write(ref _next, value);
    }

    private Slice? _next;

    public long Sent;
    public long Received;
    public long Dropped;
    public long DroppedLocal;

    /// <summary>TCP retransmits seen in the slice (sampled from <c>TCP_INFO</c> once a heartbeat per connection).</summary>
    public long Retransmits;

    /// <summary>UDP datagrams sent in the slice and given up: no reply by the read time-out, or an ICMP error.</summary>
    public long Lost;

    /// <summary>TCP packets sent in the slice that were in flight when their connection was lost.</summary>
    public long LostInFlight;

    /// <summary>Packets sent in the slice that were still awaiting their echo when the run stopped.</summary>
    public long Unanswered;
    private LogHistogram? _rtt;
    private TextCounts? _errorStatuses;

    /// <summary>
    /// Error responses (HTTP runs) to requests sent in the slice, by status (<c>"503"</c>,
    /// <c>"grpc NOT_SERVING"</c>); <see langword="null"/> until the first. Made only in a slice
    /// that has one, so a run without errors keeps nothing per slice.
    /// </summary>
    public TextCounts? ErrorStatuses => Volatile.Read(ref _errorStatuses);

    /// <summary>Counts an error response of <paramref name="status"/> to a request sent in the slice.</summary>
    public void CountErrorStatus(string status)
    {
        var statuses = Volatile.Read(ref _errorStatuses);
        if (statuses is null)
        {
            Interlocked.CompareExchange(ref _errorStatuses, new TextCounts(), null);
            statuses = _errorStatuses!;
        }

        statuses.Add(status);
    }

    public LogHistogram? Rtt => Volatile.Read(ref _rtt);

    public LogHistogram GetOrCreateRtt()
    {
        var h = Volatile.Read(ref _rtt);
        if (h is not null)
        {
            return h;
        }

        Interlocked.CompareExchange(ref _rtt, new LogHistogram(), null);
        return _rtt!;
    }
}
