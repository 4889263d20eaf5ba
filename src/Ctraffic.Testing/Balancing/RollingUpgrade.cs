namespace Ctraffic.Testing;

/// <summary>
/// A rolling upgrade behind a <see cref="LoadBalancer"/>: every backend replaced one by one — the
/// new one started and added, the old one drained, then the next — each step marked on the traffic
/// as the disruption <c>"upgrade NAME"</c> (with <c>"drain NAME"</c> inside it).
/// <code>
/// var upgraded = await balancer.RollingUpgradeAsync(old => CtrafficServer.InProcess(s => s.HostName = old.Name + "-v2"));
/// </code>
/// A rolling deploy (<see cref="RollingDeployAsync"/>) also stops each old backend as its drain
/// begins, so that it closes its own connections: an app's graceful shutdown.
/// </summary>
public static class RollingUpgrade
{
    /// <summary>
    /// Replaces every backend of <paramref name="balancer"/> one by one with the server
    /// <paramref name="startNew"/> starts for it. The balancer owns the new servers (disposes them
    /// with itself); the old ones are left running, out of the pool.
    /// </summary>
    /// <param name="balancer">The balancer.</param>
    /// <param name="startNew">Starts the new server that takes the place of the given old one.</param>
    /// <param name="drainGrace">How long each old backend's connections may go on before they are reset; <see langword="null"/> for the balancer's <see cref="LoadBalancerOptions.DrainGrace"/>.</param>
    /// <param name="cancellationToken">Stops after the current step.</param>
    /// <returns>The new servers, in the order of the old ones.</returns>
    public static Task<IReadOnlyList<CtrafficServer>> RollingUpgradeAsync(
        this LoadBalancer balancer, Func<CtrafficServer, CtrafficServer> startNew, TimeSpan? drainGrace = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(startNew);
        return ReplaceEachAsync<CtrafficServer>(balancer, (old, _) => Task.FromResult(startNew(old)), stopOld: false, drainGrace, cancellationToken);
    }

    /// <summary>
    /// A rolling deploy: every backend of <paramref name="balancer"/> replaced one by one with the
    /// server <paramref name="startNew"/> starts for it (and returns once it serves), and each old
    /// one stopped (<see cref="CtrafficServer.StopAsync"/>: for an app, the host's graceful
    /// shutdown) as soon as it takes no new connection — as an orchestrator sends SIGTERM once the
    /// endpoint is out of the balancer — so that it closes its connections itself as their
    /// requests finish. The drain waits for them until <paramref name="drainGrace"/> and resets
    /// those left. Each step is the disruption <c>"upgrade NAME"</c>, with <c>"drain NAME"</c> and
    /// <c>"stop NAME"</c> inside it. The balancer owns the new servers (disposes them with itself);
    /// the old ones stay the caller's, stopped.
    /// <code>
    /// await balancer.RollingDeployAsync((old, ct) => shop.StartAsync($"{old.Name}-v2", ct));
    /// </code>
    /// </summary>
    /// <typeparam name="TServer">The kind of the new servers (e.g. <see cref="AspNetCoreServer"/>).</typeparam>
    /// <param name="balancer">The balancer.</param>
    /// <param name="startNew">Starts the new server that takes the place of the given old one, and returns once it serves.</param>
    /// <param name="drainGrace">How long each old backend's connections may go on before they are reset; <see langword="null"/> for the balancer's <see cref="LoadBalancerOptions.DrainGrace"/>.</param>
    /// <param name="cancellationToken">Stops after the current step.</param>
    /// <returns>The new servers, in the order of the old ones.</returns>
    /// <exception cref="NotSupportedException">A backend cannot be stopped (see <see cref="CtrafficServer.Supports"/>); nothing was changed.</exception>
    public static Task<IReadOnlyList<TServer>> RollingDeployAsync<TServer>(
        this LoadBalancer balancer, Func<CtrafficServer, CancellationToken, Task<TServer>> startNew, TimeSpan? drainGrace = null, CancellationToken cancellationToken = default)
        where TServer : CtrafficServer
        => ReplaceEachAsync(balancer, startNew, stopOld: true, drainGrace, cancellationToken);

    private static async Task<IReadOnlyList<TServer>> ReplaceEachAsync<TServer>(
        LoadBalancer balancer, Func<CtrafficServer, CancellationToken, Task<TServer>> startNew, bool stopOld, TimeSpan? drainGrace, CancellationToken cancellationToken)
        where TServer : CtrafficServer
    {
        ArgumentNullException.ThrowIfNull(balancer);
        ArgumentNullException.ThrowIfNull(startNew);
        var backends = balancer.Backends;
        if (stopOld && backends.FirstOrDefault(b => (b.Supports & ServerDisruptions.Stop) == 0) is { } unstoppable)
        {
            throw new NotSupportedException($"{unstoppable.Name} ({unstoppable.GetType().Name}) cannot be stopped, so a rolling deploy cannot stop it; it supports: {unstoppable.Supports}");
        }

        var upgraded = new List<TServer>();
        foreach (var old in backends)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var step = balancer.BeginUpgrade(old);
            var replacement = await startNew(old, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"{nameof(startNew)} returned null for {old.Name}");
            balancer.Add(replacement, owned: true);
            upgraded.Add(replacement);
            Func<Task>? stop = stopOld && old.IsRunning ? () => old.StopAsync(cancellationToken) : null;
            await balancer.DrainAsync(old, drainGrace, stop, cancellationToken).ConfigureAwait(false);
        }

        return upgraded;
    }

    /// <summary>
    /// Replaces every backend with an in-process server answering as <c>{old name}-{version}</c>
    /// (see <see cref="RollingUpgradeAsync(LoadBalancer, Func{CtrafficServer, CtrafficServer}, TimeSpan?, CancellationToken)"/>).
    /// </summary>
    /// <param name="balancer">The balancer.</param>
    /// <param name="version">Appended to each new host name. The default value is <c>v2</c>.</param>
    /// <param name="drainGrace">How long each old backend's connections may go on; <see langword="null"/> for the balancer's.</param>
    /// <param name="cancellationToken">Stops after the current step.</param>
    /// <returns>The new servers.</returns>
    public static Task<IReadOnlyList<CtrafficServer>> RollingUpgradeAsync(
        this LoadBalancer balancer, string version = "v2", TimeSpan? drainGrace = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        return balancer.RollingUpgradeAsync(old => CtrafficServer.InProcess(s => s.HostName = $"{old.Name}-{version}"), drainGrace, cancellationToken);
    }
}
