namespace Ctraffic.Testing;

/// <content>The presets: nginx, HAProxy and <c>ctraffic -server</c>, each a few lines for the test.</content>
public sealed partial class ProcessServer
{
    /// <summary>
    /// Starts nginx in front of <paramref name="backends"/> (see <see cref="NginxOptions"/>) and
    /// returns once it serves. <see cref="ReloadAsync"/> is <c>nginx -s reload</c>.
    /// <code>
    /// await using var nginx = await ProcessServer.StartNginxAsync(backends, o => o.WorkerShutdownTimeout = TimeSpan.FromSeconds(2));
    /// </code>
    /// </summary>
    /// <param name="backends">The servers behind it (at least one); their disruptions mark themselves on the traffic to nginx.</param>
    /// <param name="configure">Sets the options; <see langword="null"/> keeps the defaults.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>nginx, serving.</returns>
    /// <exception cref="ArgumentException">An option is invalid, or there is no backend.</exception>
    /// <exception cref="FileNotFoundException">nginx is not installed (<see cref="NginxOptions.UnavailableReason"/> says so before).</exception>
    /// <exception cref="InvalidOperationException">nginx exited before it served (its last lines are in the message).</exception>
    public static Task<ProcessServer> StartNginxAsync(IEnumerable<CtrafficServer> backends, Action<NginxOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(backends);
        var options = new NginxOptions();
        configure?.Invoke(options);
        return StartAsync(options.ToProcessOptions(backends), cancellationToken);
    }

    /// <summary>
    /// Starts HAProxy in front of <paramref name="backends"/> (see <see cref="HaproxyOptions"/>)
    /// and returns once it serves. <see cref="ReloadAsync"/> is a soft reload (<c>-sf</c>).
    /// <code>
    /// await using var haproxy = await ProcessServer.StartHaproxyAsync(backends, o => o.HardStopAfter = TimeSpan.FromSeconds(2));
    /// </code>
    /// </summary>
    /// <param name="backends">The servers behind it (at least one); their disruptions mark themselves on the traffic to HAProxy.</param>
    /// <param name="configure">Sets the options; <see langword="null"/> keeps the defaults.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>HAProxy, serving.</returns>
    /// <exception cref="ArgumentException">An option is invalid, or there is no backend.</exception>
    /// <exception cref="FileNotFoundException">haproxy is not installed (<see cref="HaproxyOptions.UnavailableReason"/> says so before).</exception>
    /// <exception cref="InvalidOperationException">HAProxy exited before it served (its last lines are in the message).</exception>
    public static Task<ProcessServer> StartHaproxyAsync(IEnumerable<CtrafficServer> backends, Action<HaproxyOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(backends);
        var options = new HaproxyOptions();
        configure?.Invoke(options);
        return StartAsync(options.ToProcessOptions(backends), cancellationToken);
    }

    /// <summary>
    /// Starts <c>ctraffic -server</c> as a process (see <see cref="CtrafficProcessOptions"/>) and
    /// returns once it echoes: <see cref="CtrafficServer.KillAsync"/> is <c>kill -9</c>,
    /// <see cref="CtrafficServer.StopAsync"/> is <c>SIGTERM</c>.
    /// </summary>
    /// <param name="configure">Sets the options; <see langword="null"/> keeps the defaults.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The server, echoing.</returns>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="FileNotFoundException">The ctraffic executable is not found.</exception>
    public static Task<ProcessServer> StartCtrafficAsync(Action<CtrafficProcessOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new CtrafficProcessOptions();
        configure?.Invoke(options);
        var process = options.ToProcessOptions(out var unavailable);
        return unavailable is null ? StartAsync(process, cancellationToken) : throw new FileNotFoundException(unavailable, options.Executable);
    }
}
