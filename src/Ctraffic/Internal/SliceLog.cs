namespace Ctraffic.Internal;

/// <summary>
/// What happened in each 100 ms of a run: packet counters and round-trip times by time slice,
/// so that any window of the run can be summed up afterwards. Slices are made when first
/// touched, in chunks; reads and writes need no lock.
/// </summary>
internal sealed class SliceLog
{
    private const int ChunkSize = 600;
    private readonly long _sliceTicks;
    private readonly Lock _grow = new();
    private Slice[]?[] _chunks = new Slice[]?[16];

    public SliceLog(long ticksPerSecond)
    {
        _sliceTicks = ticksPerSecond / 10;
    }

    /// <summary>Length of a slice in timestamp ticks.</summary>
    public long SliceTicks => _sliceTicks;

    /// <summary>The number of slices touched so far (an upper bound).</summary>
    public int Count { get; private set; }

    /// <summary>The slice, or part of a slice, holding <paramref name="sinceStart"/> (ticks since the run start).</summary>
    public Slice At(long sinceStart)
    {
        var part = Whole(sinceStart);
        while (part.Next is { } next && next.StartTicks <= sinceStart)
        {
            part = next;
        }

        return part;
    }

    /// <summary>
    /// Splits the slice holding <paramref name="sinceStart"/> there: what is counted from then on
    /// goes into a part of its own. Marks do this, so that windows between marks are exact.
    /// </summary>
    public void Split(long sinceStart)
    {
        sinceStart = Math.Max(0, sinceStart);
        var whole = Whole(sinceStart);
        lock (_grow)
        {
            var part = whole;
            while (part.Next is { } next && next.StartTicks <= sinceStart)
            {
                part = next;
            }

            if (part.StartTicks != sinceStart)
            {
                part.Next = new Slice(sinceStart) { Next = part.Next };
            }
        }
    }

    /// <summary>
    /// The round-trip histogram of the second holding <paramref name="sinceStart"/>: round trips
    /// are kept per second (in the second's first slice), since a histogram per 100 ms would cost
    /// tens of MB an hour.
    /// </summary>
    public LogHistogram RttAt(long sinceStart)
    {
        var second = _sliceTicks * SlicesPerRtt;
        return Whole(sinceStart - (sinceStart % second)).GetOrCreateRtt();
    }

    /// <summary>Slices per round-trip histogram (one a second).</summary>
    public const int SlicesPerRtt = 10;

    /// <summary>The whole 100 ms slice (its first part) holding <paramref name="sinceStart"/>.</summary>
    private Slice Whole(long sinceStart)
    {
        var index = (int)Math.Max(0, sinceStart / _sliceTicks);
        var chunks = Volatile.Read(ref _chunks);
        var c = index / ChunkSize;
        if (c < chunks.Length && chunks[c] is { } chunk && chunk[index % ChunkSize] is { } slice)
        {
            return slice;
        }

        return Create(index);
    }

    /// <summary>The slice with this index (its first part; the others follow by <see cref="Slice.Next"/>), or <see langword="null"/> if nothing happened in it.</summary>
    public Slice? Get(int index)
    {
        var chunks = Volatile.Read(ref _chunks);
        var c = index / ChunkSize;
        return index >= 0 && c < chunks.Length && chunks[c] is { } chunk ? chunk[index % ChunkSize] : null;
    }

    private Slice Create(int index)
    {
        lock (_grow)
        {
            var c = index / ChunkSize;
            if (c >= _chunks.Length)
            {
                var bigger = new Slice[]?[Math.Max(c + 1, _chunks.Length * 2)];
                Array.Copy(_chunks, bigger, _chunks.Length);
                Volatile.Write(ref _chunks, bigger);
            }

            var chunk = _chunks[c] ??= new Slice[ChunkSize];
            var slice = chunk[index % ChunkSize];
            if (slice is null)
            {
                slice = new Slice((long)index * _sliceTicks);
                Volatile.Write(ref chunk[index % ChunkSize], slice);
            }

            Count = Math.Max(Count, index + 1);
            return slice;
        }
    }
}
