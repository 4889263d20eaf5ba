using System.Globalization;
using Ctraffic.Client;
using Ctraffic.Reports;

namespace Ctraffic.Testing;

/// <summary>
/// Continuous ctraffic traffic for a test: runs traffic in the background against a
/// <see cref="CtrafficServer"/> (in-process by default) while the test disrupts, and gives the
/// statistics, outages and round-trip times to assert on. Start it with
/// <see cref="CtrafficFixture.Start(Action{ContinuousTrafficOptions}?)"/>:
/// <code>
/// await using var server = CtrafficServer.InProcess(s => s.HostName = "backend-1");
/// await using var traffic = CtrafficFixture.Start(o => { o.Server = server; o.Connections = 50; });
/// await traffic.WaitForSteadyStateAsync();
/// await server.KillAsync();                       // marks "kill backend-1" on the traffic
/// await server.StartAsync();
/// await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5));
/// var report = await traffic.StopAsync();
/// report.Window("kill backend-1").LongestOutage.Should().BeLessThan(TimeSpan.FromSeconds(1));
/// </code>
/// Disposing stops the traffic and releases every socket (and the in-process server it started),
/// also when the test failed.
/// </summary>
public sealed class ContinuousTraffic : IDisruptionRecorder, IAsyncDisposable
{
    private readonly ContinuousTrafficOptions _options;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Task _monitor;
    private readonly bool _ownsServer;
    private readonly IDisposable _recording;
    private readonly Lock _stopLock = new();
    private Task<TrafficReport>? _stopping;
    private int _disposed;

    private ContinuousTraffic(ContinuousTrafficOptions options, CtrafficServer server, bool ownsServer, TrafficRun run)
    {
        _options = options;
        Server = server;
        _ownsServer = ownsServer;
        Run = run;
        Address = run.Options.Address;
        _recording = server.RecordOn(this);
        _monitor = options.Log is null ? Task.CompletedTask : MonitorAsync(options.Log);
    }

    /// <summary>
    /// The server the traffic goes to: <see cref="ContinuousTrafficOptions.Server"/>, the external
    /// address of <see cref="ContinuousTrafficOptions.Address"/>, or the in-process server the traffic
    /// started (an <see cref="InProcessServer"/>, disposed with the traffic).
    /// </summary>
    public CtrafficServer Server { get; }

    /// <summary>The address the traffic goes to (one <c>host:port</c>, or several comma-separated).</summary>
    public string Address { get; }

    /// <summary>The traffic run itself (lower level: snapshots, marks, statistics).</summary>
    public TrafficRun Run { get; }

    /// <summary>Starts traffic with <paramref name="options"/>; it connects in the background.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    internal static ContinuousTraffic Start(ContinuousTrafficOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone();
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        var server = options.Server ?? (options.Address is { } address
            ? CtrafficServer.External(address)
            : options.Client != TrafficClient.Echo
            ? CtrafficServer.InProcessHttpAsync(options.Client != TrafficClient.Http, s => { s.HostHeader = options.HostHeader; s.Certificate = options.Tls ? TestCertificate.Create() : null; }, cancellationToken: cancellationToken).GetAwaiter().GetResult()
            : CtrafficServer.InProcess(s => s.Udp = options.Protocol == TrafficProtocol.Udp));
        var owns = options.Server is null;
        try
        {
            var trafficOptions = options.ToTrafficOptions(server.Address);
            if (server is InProcessHttpServer { Certificate: { } certificate })
            {
                trafficOptions.Tls = true;
                trafficOptions.TlsTrust ??= [certificate];
            }

            var run = TrafficRun.Start(trafficOptions, cancellationToken);
            return new ContinuousTraffic(options, server, owns, run);
        }
        catch
        {
            if (owns)
            {
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            throw;
        }
    }

    /// <summary>The live counters.</summary>
    /// <returns>The counters now.</returns>
    public TrafficSnapshot Snapshot() => Run.Snapshot();

    /// <summary>
    /// The report: of the run so far while the traffic runs (each call makes a new one), the final
    /// one once stopped.
    /// </summary>
    /// <returns>The report.</returns>
    public TrafficReport GetReport() => _stopping is { IsCompletedSuccessfully: true } stopped ? stopped.Result : Run.GetReport();

    /// <summary>Marks this moment with a name, for windows of the report.</summary>
    /// <param name="name">The name; windows are taken by it.</param>
    public void Mark(string name) => Run.Mark(name);

    /// <summary>
    /// Marks the start of a disruption; disposing the result marks its end.
    /// <c>report.Window(name)</c> then covers it and what it caused. Disruptions of the
    /// <see cref="Server"/> (and of balancers and faults in front of it) mark themselves.
    /// </summary>
    /// <param name="name">The name; windows are taken by it.</param>
    /// <returns>Ends the disruption when disposed.</returns>
    public IDisposable Disruption(string name) => Run.Disruption(name);

    /// <summary>
    /// Marks the start of a disruption whose source counts what crossed it (see
    /// <see cref="IDisruptionRecorder.Disruption(string, Func{DisruptionContact})"/>); disposing the result marks its end.
    /// </summary>
    /// <param name="name">The name; windows are taken by it.</param>
    /// <param name="contact">What crossed the disruption so far, or <see langword="null"/>.</param>
    /// <returns>Ends the disruption when disposed.</returns>
    public IDisposable Disruption(string name, Func<DisruptionContact>? contact) => Run.Disruption(name, contact);

    /// <summary>
    /// Waits until every connection is up and echoing, and has stayed so for two packet intervals
    /// (at least 200 ms).
    /// </summary>
    /// <param name="timeout">How long to wait; <see langword="null"/> for <see cref="ContinuousTrafficOptions.SteadyStateTimeout"/>.</param>
    /// <param name="cancellationToken">Stops waiting (e.g. <c>TestContext.Current.CancellationToken</c>).</param>
    /// <exception cref="TrafficTimeoutException">Not steady in time; the message says how far it got.</exception>
    public Task WaitForSteadyStateAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        => WaitAllEchoingAsync("steady", timeout ?? _options.SteadyStateTimeout, cancellationToken);

    /// <summary>
    /// Waits until every connection is echoing again after a disruption, and has stayed so for two
    /// packet intervals (at least 200 ms) — long enough that a disruption not yet noticed is.
    /// </summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="TrafficTimeoutException">Not recovered in time; the message says what is still down.</exception>
    public Task WaitForRecoveryAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
        => WaitAllEchoingAsync("recovered", timeout, cancellationToken);

    /// <summary>
    /// Stops the traffic and returns the final report; later calls (also after
    /// <see cref="DisposeAsync"/>) return the same report.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting (the traffic still stops).</param>
    /// <returns>The final report.</returns>
    public Task<TrafficReport> StopAsync(CancellationToken cancellationToken = default)
    {
        Task<TrafficReport> stopping;
        lock (_stopLock)
        {
            stopping = _stopping ??= StopCoreAsync();
        }

        return stopping.WaitAsync(cancellationToken);
    }

    /// <summary>Stops the traffic and the in-process server it started, and releases every socket. Calling it again does nothing.</summary>
    /// <returns>Completes once everything is released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await Run.DisposeAsync().ConfigureAwait(false);
            if (_ownsServer)
            {
                await Server.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<TrafficReport> StopCoreAsync()
    {
        _recording.Dispose();
        await _lifetime.CancelAsync().ConfigureAwait(false);
        await Run.StopAsync().ConfigureAwait(false);
        await _monitor.ConfigureAwait(false);
        var final = Run.GetReport();
        _options.Stopped?.Invoke(final);
        return final;
    }

    private async Task WaitAllEchoingAsync(string state, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var time = _options.TimeProvider;
        var interval = Run.PacketInterval + _options.OutageThreshold;
        var settle = interval * 2 < TimeSpan.FromMilliseconds(200) ? TimeSpan.FromMilliseconds(200) : interval * 2;
        var poll = TimeSpan.FromMilliseconds(Math.Clamp(Run.PacketInterval.TotalMilliseconds / 4, 5, 50));
        var started = time.GetTimestamp();
        long? goodSince = null;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ObjectDisposedException.ThrowIf(_lifetime.IsCancellationRequested, this);
            if (Run.Completion.IsCompleted)
            {
                throw new TrafficTimeoutException($"traffic not {state}: the run has ended ({Run.EndReason}). {Describe(Run.Snapshot())}");
            }

            var now = time.GetTimestamp();
            var snapshot = Run.Snapshot();
            if (snapshot.Echoing == _options.Connections)
            {
                goodSince ??= now;
                if (time.GetElapsedTime(goodSince.Value, now) >= settle)
                {
                    return;
                }
            }
            else
            {
                goodSince = null;
            }

            if (time.GetElapsedTime(started, now) > timeout)
            {
                throw new TrafficTimeoutException(
                    $"traffic not {state} within {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s: {Describe(snapshot)}");
            }

            try
            {
                await Task.Delay(poll, time, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ObjectDisposedException(nameof(ContinuousTraffic), "the traffic was stopped or disposed while waiting");
            }
        }
    }

    private string Describe(TrafficSnapshot s)
    {
        var text = $"{s.Echoing} of {_options.Connections} connections echoing, {s.Active} connected, {s.Connecting} connecting, " +
                   $"{s.FailedConnections} failed so far, {s.FailedConnects} failed connects";
        var open = Run.GetReport().Outages.Where(o => !o.Recovered).ToList();
        if (open.Count > 0)
        {
            text += $"; {open.Count} connections in an outage, the longest {open.Max(o => o.Duration).TotalSeconds.ToString("0.0##", CultureInfo.InvariantCulture)} s";
        }

        return Run.LastError is { } lastError ? text + $"; last error: {lastError}" : text;
    }

    private async Task MonitorAsync(Action<string> log)
    {
        try
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), _options.TimeProvider);
            while (await timer.WaitForNextTickAsync(_lifetime.Token).ConfigureAwait(false))
            {
                try
                {
                    log(Run.Snapshot().ToMonitorLine());
                }
                catch (InvalidOperationException)
                {
                    // The test's output may be gone once the test has ended.
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
