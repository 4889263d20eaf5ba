namespace Ctraffic.Testing.Faults.Internal;

/// <summary>
/// The faults' decision about one chunk, built up by each active fault in turn
/// (<see cref="Fault.Shape"/>): what to do with it, when it may be written, in what pieces.
/// </summary>
internal struct ChunkPlan
{
    /// <summary>What becomes of the chunk.</summary>
    public Verdict Verdict;

    /// <summary>The timestamp (of the proxy's <see cref="TimeProvider"/>) before which it is not written.</summary>
    public long Due;

    /// <summary>Write it in pieces of at most this many bytes; 0 for whole.</summary>
    public int SliceSize;

    /// <summary>Wait between two pieces, in timestamp ticks.</summary>
    public long SliceGap;

    public void Decide(Verdict verdict)
    {
        if (verdict > Verdict)
        {
            Verdict = verdict;
        }
    }
}
