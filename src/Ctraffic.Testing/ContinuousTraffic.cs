using System.Globalization;
using Ctraffic.Client;
using Ctraffic.Reports;
using Ctraffic.Server;

namespace Ctraffic.Testing;

/// <summary>
/// Continuous ctraffic traffic for a test: starts a ctraffic server in-process (or targets the
/// system under test), runs traffic in the background while the test disrupts, and gives the
/// statistics, outages and round-trip times to assert on.
/// <code>
/// await using var traffic = await ContinuousTraffic.StartAsync(o => o.Connections = 50);
/// await traffic.WaitForSteadyStateAsync();
/// using (traffic.Disruption("kill server")) traffic.KillServer();
/// traffic.StartServer();
/// await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5));
/// var report = await traffic.StopAsync();
/// report.Window("kill server").LongestOutage.Should().BeLessThan(TimeSpan.FromSeconds(1));
/// </code>
/// Disposing stops the traffic and releases every socket, also when the test failed.
/// </summary>
public sealed class ContinuousTraffic : IAsyncDisposable
{
    private readonly ContinuousTrafficOptions _options;
    private readonly CancellationTokenSource _monitorStop = new();
    private readonly Task _monitor;
    private readonly string _serverListen;
    private EchoServer? _server;
    private TrafficReport? _final;
    private int _disposed;

    private ContinuousTraffic(ContinuousTrafficOptions options, EchoServer? server, TrafficRun run)
    {
        _options = options;
        _server = server;
        _serverListen = server is null ? "" : HostPort.Format(server.LocalEndPoint);
        Run = run;
        Address = run.Options.Address;
        _monitor = options.Log is null ? Task.CompletedTask : MonitorAsync(options.Log);
    }

    /// <summary>The in-process server now serving, or <see langword="null"/> (external target, or killed).</summary>
    public EchoServer? Server => Volatile.Read(ref _server);

    /// <summary>The address the traffic goes to.</summary>
    public string Address { get; }

    /// <summary>The traffic run itself (lower level: snapshots, marks, statistics).</summary>
    public TrafficRun Run { get; }

    /// <summary>The report so far (final once stopped).</summary>
    public TrafficReport Report => _final ?? Run.GetReport();

    /// <summary>Starts traffic with options set by <paramref name="configure"/>.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static Task<ContinuousTraffic> StartAsync(Action<ContinuousTrafficOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new ContinuousTrafficOptions();
        configure?.Invoke(options);
        return StartAsync(options, cancellationToken);
    }

    /// <summary>Starts traffic with <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static Task<ContinuousTraffic> StartAsync(ContinuousTrafficOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone();
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        EchoServer? server = null;
        if (options.Address is null)
        {
            server = EchoServer.Start(new EchoServerOptions
            {
                Address = options.ServerAddress,
                HostName = options.ServerHostName,
                Udp = options.Protocol == TrafficProtocol.Udp,
            });
        }

        try
        {
            var run = TrafficRun.Start(options.ToTrafficOptions(options.Address ?? server!.ConnectAddress), cancellationToken);
            return Task.FromResult(new ContinuousTraffic(options, server, run));
        }
        catch
        {
            server?.Kill();
            throw;
        }
    }

    /// <summary>The live counters.</summary>
    public TrafficSnapshot Snapshot() => Run.Snapshot();

    /// <summary>Marks this moment with a name, for windows of the report.</summary>
    public void Mark(string name) => Run.Mark(name);

    /// <summary>Marks the start of a disruption; disposing the result marks its end. <c>report.Window(name)</c> then covers it and what it caused.</summary>
    public IDisposable Disruption(string name) => Run.MarkSpan(name);

    /// <summary>Kills the in-process server as a crash would: every connection is reset (RST) and connects are refused.</summary>
    /// <exception cref="InvalidOperationException">The traffic has no in-process server, or it is already killed.</exception>
    public void KillServer()
    {
        var server = Interlocked.Exchange(ref _server, null)
            ?? throw new InvalidOperationException(_serverListen.Length == 0 ? "the traffic goes to an external address: there is no in-process server to kill" : "the in-process server is already killed");
        server.Kill();
        _ = server.DisposeAsync().AsTask();
    }

    /// <summary>Starts the in-process server again on the same address and port after <see cref="KillServer"/>.</summary>
    /// <param name="hostName">The new server's host name; <see langword="null"/> keeps the configured one.</param>
    /// <exception cref="InvalidOperationException">The traffic has no in-process server, or it is running.</exception>
    public void StartServer(string? hostName = null)
    {
        if (_serverListen.Length == 0)
        {
            throw new InvalidOperationException("the traffic goes to an external address: there is no in-process server to start");
        }

        var server = EchoServer.Start(new EchoServerOptions
        {
            Address = _serverListen,
            HostName = hostName ?? _options.ServerHostName,
            Udp = _options.Protocol == TrafficProtocol.Udp,
        });
        if (Interlocked.CompareExchange(ref _server, server, null) is not null)
        {
            server.Kill();
            throw new InvalidOperationException("the in-process server is running: kill it first");
        }
    }

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

    /// <summary>Stops the traffic and returns the final report.</summary>
    public async Task<TrafficReport> StopAsync(CancellationToken cancellationToken = default)
    {
        await Run.StopAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        await _monitorStop.CancelAsync().ConfigureAwait(false);
        await _monitor.ConfigureAwait(false);
        if (_final is null)
        {
            _final = Run.GetReport();
            _options.Stopped?.Invoke(_final);
        }

        return _final;
    }

    /// <summary>Stops the traffic, the in-process server, and releases every socket.</summary>
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
            if (Interlocked.Exchange(ref _server, null) is { } server)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }

            _monitorStop.Dispose();
        }
    }

    private async Task WaitAllEchoingAsync(string state, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var time = _options.TimeProvider;
        var interval = Run.PacketInterval + _options.OutageThreshold;
        var settle = interval * 2 < TimeSpan.FromMilliseconds(200) ? TimeSpan.FromMilliseconds(200) : interval * 2;
        var poll = TimeSpan.FromMilliseconds(Math.Clamp(Run.PacketInterval.TotalMilliseconds / 4, 5, 50));
        var started = time.GetTimestamp();
        long? goodSince = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
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

            await Task.Delay(poll, time, cancellationToken).ConfigureAwait(false);
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
            while (await timer.WaitForNextTickAsync(_monitorStop.Token).ConfigureAwait(false))
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
