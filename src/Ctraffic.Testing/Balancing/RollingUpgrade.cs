namespace Ctraffic.Testing;

/// <summary>
/// A rolling upgrade behind a <see cref="LoadBalancer"/>: every backend replaced one by one — the
/// new one started and added, the old one drained, then the next — each step marked on the traffic
/// as the disruption <c>"upgrade NAME"</c> (with <c>"drain NAME"</c> inside it).
/// <code>
/// var upgraded = await balancer.RollingUpgradeAsync(old => CtrafficServer.InProcess(s => s.HostName = old.Name + "-v2"));
/// </code>
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
    public static async Task<IReadOnlyList<CtrafficServer>> RollingUpgradeAsync(
        this LoadBalancer balancer, Func<CtrafficServer, CtrafficServer> startNew, TimeSpan? drainGrace = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(balancer);
        ArgumentNullException.ThrowIfNull(startNew);
        var upgraded = new List<CtrafficServer>();
        foreach (var old in balancer.Backends)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var step = balancer.BeginUpgrade(old);
            var replacement = startNew(old);
            balancer.Add(replacement, owned: true);
            upgraded.Add(replacement);
            await balancer.DrainAsync(old, drainGrace, cancellationToken).ConfigureAwait(false);
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
