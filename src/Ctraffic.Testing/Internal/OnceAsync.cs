namespace Ctraffic.Testing.Internal;

/// <summary>
/// Work done once a process, the first time it is asked for, by one caller while the others wait:
/// one that fails or is cancelled is tried again by the next caller.
/// </summary>
/// <param name="work">The work.</param>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Held for the life of the process, as a static; a semaphore never waited on with its handle has nothing to release.")]
internal sealed class OnceAsync(Func<CancellationToken, Task> work)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _done;

    /// <summary>Does the work unless it was done; completes once it is.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (_done)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_done)
            {
                await work(cancellationToken).ConfigureAwait(false);
                _done = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
