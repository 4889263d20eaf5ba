namespace Ctraffic.Internal;

/// <summary>The counters of one 100 ms slice of a run, and its round-trip times.</summary>
internal sealed class Slice
{
    public long Sent;
    public long Received;
    public long Dropped;
    public long DroppedLocal;

    /// <summary>TCP retransmits seen in the slice (sampled from <c>TCP_INFO</c> once a heartbeat per connection).</summary>
    public long Retransmits;

    /// <summary>UDP datagrams given up in the slice: no reply by the read time-out, or an ICMP error.</summary>
    public long Lost;
    private LogHistogram? _rtt;

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
