using System.Globalization;
using Ctraffic.Statistics;
using DotNet.Testcontainers.Builders;

namespace Ctraffic.Testing.Containers;

/// <summary>
/// The ctraffic client run in a container on a <see cref="CtrafficNetwork"/>: the traffic starts
/// inside the network, as a client pod's does, and reaches the servers by their host names. It
/// runs for a fixed time and returns the statistics it printed (<c>-stats all</c>); what a
/// container prints on stdout is read back through the Docker engine, so nothing needs a shell or
/// a mounted folder in the <c>FROM scratch</c> image.
/// <code>
/// var stats = await CtrafficClientContainer.RunAsync(network, "backend-1:5003", o => { o.Connections = 20; o.Duration = TimeSpan.FromSeconds(5); }, ct);
/// stats.FailedConnections.Should().Be(0);
/// </code>
/// Use it to measure what a client on the network sees (no port proxy, no loopback shortcut);
/// use traffic from the test process (<see cref="CtrafficFixture"/>) to mark disruptions and
/// get windows, outages and round-trip times while the test runs.
/// </summary>
public static class CtrafficClientContainer
{
    /// <summary>How long after the run's end the container may take to exit.</summary>
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(30);

    /// <summary>The longest time a cancellation can be set after (about 49 days); a longer run is waited for without a deadline.</summary>
    private static readonly TimeSpan MaximumCancelAfter = TimeSpan.FromMilliseconds(uint.MaxValue - 1);
    /// <summary>Runs the client in a container on <paramref name="network"/> until it ends, and returns its statistics.</summary>
    /// <param name="network">The network of the servers.</param>
    /// <param name="address">The server, as the client in the network sees it, e.g. <c>backend-1:5003</c>.</param>
    /// <param name="configure">Sets the traffic (connections, rate, duration); the defaults are those of <see cref="ClientContainerOptions"/>.</param>
    /// <param name="cancellationToken">Stops waiting; the container is removed.</param>
    /// <returns>The statistics of the run, with every connection.</returns>
    /// <exception cref="CtrafficContainerException">The container could not run, or printed no statistics.</exception>
    public static async Task<TrafficStatistics> RunAsync(CtrafficNetwork network, string address, Action<ClientContainerOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        var options = new ClientContainerOptions();
        configure?.Invoke(options);
        options.Validate();
        var container = new ContainerBuilder(options.Image)
            .WithImagePullPolicy(_ => false)
            .WithLabel(ContainerOwnership.Labels)
            .WithNetwork(network.Network)
            .WithCommand(
                "-address", address,
                "-nconn", options.Connections.ToString(CultureInfo.InvariantCulture),
                "-rate", options.RateKBps.ToString(CultureInfo.InvariantCulture),
                "-timeout", GoDuration(options.Duration),
                "-stats", "all")
            .Build();
        await using (container.ConfigureAwait(false))
        {
            try
            {
                await container.StartAsync(cancellationToken).ConfigureAwait(false);
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                if (options.Duration + ExitGrace <= MaximumCancelAfter)
                {
                    deadline.CancelAfter(options.Duration + ExitGrace);
                }

                await container.GetExitCodeAsync(deadline.Token).ConfigureAwait(false);
                var (stdout, stderr) = await container.GetLogsAsync(timestampsEnabled: false, ct: cancellationToken).ConfigureAwait(false);
                var json = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith('{'))
                    ?? throw new CtrafficContainerException($"the client container printed no statistics; it said: {stderr.Trim()}");
                return StatisticsJson.Read(json);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not CtrafficContainerException)
            {
                throw new CtrafficContainerException($"cannot run the client in a container of {options.Image}: {await ContainerErrors.ExplainAsync(ex, cancellationToken).ConfigureAwait(false)}", ex);
            }
        }
    }

    /// <summary>A duration in Go's words, exact: whole milliseconds as <c>ms</c>, anything finer as <c>ns</c>.</summary>
    private static string GoDuration(TimeSpan duration) => duration.Ticks % TimeSpan.TicksPerMillisecond == 0
        ? (duration.Ticks / TimeSpan.TicksPerMillisecond).ToString(CultureInfo.InvariantCulture) + "ms"
        : (duration.Ticks * 100).ToString(CultureInfo.InvariantCulture) + "ns";
}
