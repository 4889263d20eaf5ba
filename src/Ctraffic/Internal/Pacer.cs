namespace Ctraffic.Internal;

/// <summary>
/// One pacing mechanism for all connections of a run: waiters sit in a queue ordered by due time,
/// and one clock wakes for the earliest — a thread of its own on the system clock, or a single
/// <see cref="ITimer"/> from any other <see cref="TimeProvider"/> (fake time drives it in tests).
/// No timer or thread per connection.
/// </summary>
/// <remarks>
/// The waiters due at a timer tick are resumed in small batches, one thread-pool work item per
/// batch that runs each waiter's continuation in turn, not one work item (and often one thread
/// wake-up) per waiter: with thousands of connections, most ticks have many waiters due. Batches
/// stay small so that a thread preempted by another process holds up only a few connections.
/// On the system clock a dedicated thread keeps the time instead of a timer: a timer's callback
/// runs on the thread pool after the timer thread wakes, and that hop made the ticks 2–4 ms apart
/// on a busy machine, so packets left in bunches; the thread wakes every millisecond it has due
/// waiters.
/// </remarks>
internal sealed class Pacer : IDisposable
{
    /// <summary>Waiters resumed by one work item.</summary>
    internal const int BatchSize = 16;

    private readonly TimeProvider _time;
    private readonly ITimer? _timer;
    private readonly AutoResetEvent? _wake;
    private readonly long _tickTicks;
    private readonly PriorityQueue<(PacerWaiter Waiter, int Ticket), long> _queue = new();
    private readonly Lock _gate = new();
    private readonly Stack<Batch> _spare = new();
    private long _armedFor = long.MaxValue;
    private bool _stopped;

    public Pacer(TimeProvider time)
    {
        _time = time;
        _tickTicks = time.TimestampFrequency / 1000;
        if (ReferenceEquals(time, TimeProvider.System))
        {
            _wake = new AutoResetEvent(false);
            new Thread(static s => ((Pacer)s!).Run()) { IsBackground = true, Name = "ctraffic pacer" }.Start(this);
        }
        else
        {
            _timer = time.CreateTimer(static s => ((Pacer)s!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
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
            waiter.Queued = true;
            _queue.Enqueue((waiter, ++waiter.Ticket), due);
            if (due < _armedFor)
            {
                Arm(due);
            }

            return waiter.AsValueTask();
        }
    }

    /// <summary>
    /// Ends the wait of <paramref name="waiter"/> now, as if it were due (its continuation runs on
    /// the thread pool); nothing if it is not waiting. Its queue entry stays, stale, until its time.
    /// </summary>
    public void Wake(PacerWaiter waiter)
    {
        lock (_gate)
        {
            if (_stopped || !waiter.Queued)
            {
                return;
            }

            waiter.Queued = false;
            waiter.Ticket++;
            var batch = _spare.TryPop(out var b) ? b : new Batch(this);
            batch.Add(waiter, true);
            ThreadPool.UnsafeQueueUserWorkItem(batch, preferLocal: false);
        }
    }

    /// <summary>Completes every wait with <see langword="false"/>, now and from now on.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _wake?.Set();
            Dispatch(long.MaxValue, false);
        }
    }

    public void Dispose()
    {
        Stop();
        _timer?.Dispose();
    }

    private void Arm(long due)
    {
        _armedFor = due;
        if (_wake is not null)
        {
            _wake.Set();
            return;
        }

        var delay = _time.GetElapsedTime(_time.GetTimestamp(), due);
        var ms = Math.Max(0, Math.Ceiling(delay.TotalMilliseconds));
        _timer!.Change(TimeSpan.FromMilliseconds(ms), Timeout.InfiniteTimeSpan);
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

            Dispatch(_time.GetTimestamp(), true);
            if (_queue.TryPeek(out _, out var next))
            {
                Arm(next);
            }
        }
    }

    /// <summary>The pacer's thread (system clock): resumes the due waiters, sleeps until the next is due.</summary>
    private void Run()
    {
        while (true)
        {
            int sleepMs;
            lock (_gate)
            {
                if (_stopped)
                {
                    _wake!.Dispose();
                    return;
                }

                // Waiters due within half a tick go now: a tick is the finest the sleep below
                // keeps, and their tokens are already reserved, so the rate holds.
                var now = _time.GetTimestamp();
                Dispatch(now + _tickTicks / 2, true);
                if (_queue.TryPeek(out _, out var next))
                {
                    _armedFor = next;
                    var ms = (next - now) / (double)_tickTicks;
                    sleepMs = (int)Math.Clamp(Math.Ceiling(ms), 1, 1000);
                }
                else
                {
                    _armedFor = long.MaxValue;
                    sleepMs = 1000;
                }
            }

            _wake!.WaitOne(sleepMs);
        }
    }

    /// <summary>Takes the waiters due by <paramref name="now"/> off the queue and resumes them in batches on the thread pool. Under the lock.</summary>
    private void Dispatch(long now, bool result)
    {
        Batch? batch = null;
        while (_queue.TryPeek(out var entry, out var due) && due <= now)
        {
            _queue.Dequeue();
            var w = entry.Waiter;
            if (!w.Queued || w.Ticket != entry.Ticket)
            {
                continue;
            }

            w.Queued = false;
            batch ??= _spare.TryPop(out var b) ? b : new Batch(this);
            batch.Add(w, result);
            if (batch.Count == BatchSize)
            {
                ThreadPool.UnsafeQueueUserWorkItem(batch, preferLocal: false);
                batch = null;
            }
        }

        if (batch is not null)
        {
            ThreadPool.UnsafeQueueUserWorkItem(batch, preferLocal: false);
        }
    }

    private void Return(Batch batch)
    {
        lock (_gate)
        {
            if (_spare.Count < 1024)
            {
                _spare.Push(batch);
            }
        }
    }

    /// <summary>Waiters to resume on one thread-pool thread, each continuation run in turn.</summary>
    private sealed class Batch(Pacer pacer) : IThreadPoolWorkItem
    {
        private readonly PacerWaiter[] _waiters = new PacerWaiter[BatchSize];
        private readonly bool[] _results = new bool[BatchSize];

        public int Count { get; private set; }

        public void Add(PacerWaiter waiter, bool result)
        {
            _waiters[Count] = waiter;
            _results[Count] = result;
            Count++;
        }

        public void Execute()
        {
            var n = Count;
            Count = 0;
            for (var i = 0; i < n; i++)
            {
                var w = _waiters[i];
                _waiters[i] = null!;
                w.Complete(_results[i]);
            }

            pacer.Return(this);
        }
    }
}
