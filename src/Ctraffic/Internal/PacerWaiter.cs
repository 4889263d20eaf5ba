using System.Threading.Tasks.Sources;

namespace Ctraffic.Internal;

/// <summary>
/// A reusable wait of one connection on the <see cref="Pacer"/>: no allocation per wait.
/// Only one wait per waiter may be outstanding. <see cref="Complete"/> runs the continuation on
/// the calling thread: the pacer calls it from its own thread-pool work items, never under a lock.
/// </summary>
internal sealed class PacerWaiter : IValueTaskSource<bool>
{
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = false };

    /// <summary>The ticket of the wait in the pacer's queue; a queue entry with another is stale (the wait was woken early).</summary>
    internal int Ticket;

    /// <summary>Whether the waiter is waiting in the pacer's queue (under the pacer's lock).</summary>
    internal bool Queued;

    internal void Prepare() => _core.Reset();

    internal ValueTask<bool> AsValueTask() => new(this, _core.Version);

    internal void Complete(bool result) => _core.SetResult(result);

    public bool GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}
