namespace Ctraffic.Client.Recording;

/// <summary>A disruption's mark still open: disposing it (once; again does nothing) marks the end of its span.</summary>
internal sealed class DisruptionSpan(TrafficRecorder recorder, int index, TimeProvider time) : IDisposable
{
    private int _disposed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            recorder.EndMark(index, time.GetTimestamp());
        }
    }
}
