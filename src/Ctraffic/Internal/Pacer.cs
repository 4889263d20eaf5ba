namespace Ctraffic.Internal;

/// <summary>
/// One pacing mechanism for all connections of a run: waiters sit in a queue ordered by due time
/// and a single <see cref="ITimer"/> from the run's <see cref="TimeProvider"/> is armed for the
/// earliest. No timer or thread per connection, and fake time drives it in tests.
/// </summary>
internal sealed class Pacer : IDisposable
{
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly PriorityQueue<PacerWaiter, long> _queue = new();
    private readonly Lock _gate = new();
    private long _armedFor = long.MaxValue;
    private bool _stopped;

    public Pacer(TimeProvider time)
    {
        _time = time;
        _timer = time.CreateTimer(static s => ((Pacer)s!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Waiters queued now.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Completes with <see langword="true"/> at <paramref name="due"/>, or <see langword="false"/> once stopped.</summary>
    public ValueTask<bool> DelayUntilAsync(PacerWaiter waiter, long due)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return new ValueTask<bool>(false);
            }

            if (due <= _time.GetTimestamp())
            {
                return new ValueTask<bool>(true);
            }

            waiter.Prepare();
            _queue.Enqueue(waiter, due);
            if (due < _armedFor)
            {
                Arm(due);
            }

            return waiter.AsValueTask();
        }
    }

    /// <summary>Completes every wait with <see langword="false"/>, now and from now on.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _stopped = true;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            while (_queue.TryDequeue(out var w, out _))
            {
                w.Complete(false);
            }
        }
    }

    public void Dispose()
    {
        Stop();
        _timer.Dispose();
    }

    private void Arm(long due)
    {
        _armedFor = due;
        var delay = _time.GetElapsedTime(_time.GetTimestamp(), due);
        var ms = Math.Max(0, Math.Ceiling(delay.TotalMilliseconds));
        _timer.Change(TimeSpan.FromMilliseconds(ms), Timeout.InfiniteTimeSpan);
    }

    private void Fire()
    {
        lock (_gate)
        {
            _armedFor = long.MaxValue;
            if (_stopped)
            {
                return;
            }

            var now = _time.GetTimestamp();
            while (_queue.TryPeek(out var w, out var due) && due <= now)
            {
                _queue.Dequeue();
                w.Complete(true);
            }

            if (_queue.TryPeek(out _, out var next))
            {
                Arm(next);
            }
        }
    }
}
