namespace Ctraffic.Testing;

/// <summary>
/// One reload of a <see cref="ProcessServer"/> (<see cref="ProcessServer.ReloadAsync"/>): the
/// processes that served before it and those that serve after. It is a disruption on the traffic,
/// named <see cref="Name"/>, from the reload until every old process has exited (<see cref="Drained"/>):
/// <list type="bullet">
/// <item>a reload that <b>kept</b> the connections on the old processes (nginx without
/// <c>worker_shutdown_timeout</c>, HAProxy without <c>hard-stop-after</c>) loses none, and its
/// old processes are still running (<see cref="OldProcessesRunning"/> &gt; 0; the disruption lasts
/// to the end of the run);</item>
/// <item>a reload that <b>moved</b> them cut each at the old processes' exit (the
/// <see cref="Ctraffic.Statistics.ConnectionStats.Ended"/> of the lost connections is about that time after the
/// disruption's start) and the traffic reconnected to the new processes; the disruption ends when
/// the last old process exits.</item>
/// </list>
/// The mark <see cref="EffectiveName"/> is when the old processes stopped listening: their drain
/// (and <c>worker_shutdown_timeout</c>, <c>hard-stop-after</c>) starts there.
/// </summary>
public sealed class ProcessReload
{
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal ProcessReload(string name, string effectiveName, IReadOnlyList<int> oldProcesses, IReadOnlyList<int> newProcesses)
    {
        Name = name;
        EffectiveName = effectiveName;
        OldProcesses = oldProcesses;
        NewProcesses = newProcesses;
    }

    /// <summary>The disruption's name in the report: <c>"reload NAME"</c>, <c>"reload NAME#2"</c> for the second (the report's way to name a repeated mark), and so on.</summary>
    public string Name { get; }

    /// <summary>
    /// The mark at which the reload took effect: <c>"reload NAME effective"</c> (<c>#2</c> and so on for later ones), when the new
    /// processes served and the old ones had stopped listening — the start of their drain, from
    /// which <c>worker_shutdown_timeout</c> and <c>hard-stop-after</c> count.
    /// </summary>
    public string EffectiveName { get; }

    /// <summary>The PIDs that served before the reload and are replaced (nginx's old workers, HAProxy's old process).</summary>
    public IReadOnlyList<int> OldProcesses { get; }

    /// <summary>The PIDs that appeared with the reload (nginx's new workers, HAProxy's new process).</summary>
    public IReadOnlyList<int> NewProcesses { get; }

    /// <summary>How many of <see cref="OldProcesses"/> still run: draining their connections.</summary>
    public int OldProcessesRunning => OldProcesses.Count(Processes.Internal.ProcessTree.IsAlive);

    /// <summary>Completes when every old process has exited (or the server is disposed).</summary>
    public Task Drained => _drained.Task;

    /// <summary>Waits until every old process has exited.</summary>
    /// <param name="timeout">How long at most.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Whether they all exited within <paramref name="timeout"/>.</returns>
    public async Task<bool> WaitForDrainAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        try
        {
            await Drained.WaitAsync(timeout, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: old [{string.Join(' ', OldProcesses)}] ({OldProcessesRunning} running), new [{string.Join(' ', NewProcesses)}]";

    internal void SetDrained() => _drained.TrySetResult();
}
