namespace Ctraffic.Internal;

/// <summary>The counters of one 100 ms slice of a run, and its round-trip times.</summary>
internal sealed class Slice
{
    public long Sent;
    public long Received;
    public long Dropped;
    public long DroppedLocal;
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
