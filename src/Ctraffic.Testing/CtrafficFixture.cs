using Ctraffic.Testing.Internal;

namespace Ctraffic.Testing;

/// <summary>
/// The front door: continuous traffic for a test, in one line.
/// <code>
/// await using var traffic = CtrafficFixture.Start(o => o.Connections = 50);
/// await traffic.WaitForSteadyStateAsync();
/// // ... disrupt ...
/// var stats = await traffic.StopAsync();
/// stats.Dropped.Should().Be(0);
/// </code>
/// <see cref="Start(Action{ContinuousTrafficOptions}?)"/> starts the server (an in-process one
/// unless the options name <see cref="ContinuousTrafficOptions.Server"/> or
/// <see cref="ContinuousTrafficOptions.Address"/>) and the traffic, and returns at once: the
/// connections come up in the background, <see cref="ContinuousTraffic.WaitForSteadyStateAsync"/>
/// waits for them. In an xUnit v3 test (with <c>Ctraffic.Testing.Xunit</c>) or an NUnit test (with
/// <c>Ctraffic.Testing.NUnit</c>) the monitor lines go to the test's output, the traffic stops
/// with the test's cancellation, and the final report is attached to the test result (JSON and
/// timeline SVG) with a summary; with no test framework it just runs.
/// </summary>
public static class CtrafficFixture
{
    /// <summary>Starts traffic with options set by <paramref name="configure"/>; returns at once.</summary>
    /// <param name="configure">Sets the options; <see langword="null"/> keeps the defaults.</param>
    /// <returns>The running traffic; dispose it (<c>await using</c>) before the test ends.</returns>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static ContinuousTraffic Start(Action<ContinuousTrafficOptions>? configure = null)
    {
        var options = new ContinuousTrafficOptions();
        configure?.Invoke(options);
        return Start(options);
    }

    /// <summary>Starts traffic with <paramref name="options"/>; returns at once.</summary>
    /// <param name="options">The options (copied: later changes do not affect the traffic).</param>
    /// <returns>The running traffic; dispose it (<c>await using</c>) before the test ends.</returns>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static ContinuousTraffic Start(ContinuousTrafficOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone();
        var test = TestFrameworks.Current();
        var cancellationToken = CancellationToken.None;
        if (test is not null)
        {
            var log = options.Log;
            options.Log = line =>
            {
                test.WriteLine(line);
                log?.Invoke(line);
            };
            var stopped = options.Stopped;
            options.Stopped = report =>
            {
                test.Attach(report, options.Name);
                stopped?.Invoke(report);
            };
            cancellationToken = test.CancellationToken;
        }

        return ContinuousTraffic.Start(options, cancellationToken);
    }

    /// <summary>
    /// Starts traffic with options set by <paramref name="configure"/>, as
    /// <see cref="Start(Action{ContinuousTrafficOptions}?)"/> does, and waits until it is steady
    /// (<see cref="ContinuousTraffic.WaitForSteadyStateAsync"/>).
    /// </summary>
    /// <param name="configure">Sets the options; <see langword="null"/> keeps the defaults.</param>
    /// <param name="cancellationToken">Stops waiting; <see langword="default"/> for the test's own.</param>
    /// <returns>The running, steady traffic.</returns>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="TrafficTimeoutException">Not steady within <see cref="ContinuousTrafficOptions.SteadyStateTimeout"/>; the traffic is disposed.</exception>
    public static async Task<ContinuousTraffic> StartAsync(Action<ContinuousTrafficOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var traffic = Start(configure);
        try
        {
            await traffic.WaitForSteadyStateAsync(cancellationToken: cancellationToken.CanBeCanceled ? cancellationToken : TestFrameworks.Current()?.CancellationToken ?? default).ConfigureAwait(false);
            return traffic;
        }
        catch
        {
            await traffic.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
