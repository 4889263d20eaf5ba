using System.Net;
using System.Net.Sockets;
using Ctraffic.Testing.Faults.Internal;
using Ctraffic.Testing.Relay;

namespace Ctraffic.Testing;

/// <summary>
/// A TCP and UDP proxy in the test's own process, on loopback, in front of any server (in-process,
/// container, external address), that makes network problems on demand: latency with jitter, a
/// bandwidth limit, a blackhole, resets, closes, refused connections, sliced writes, UDP loss —
/// each in one direction or both, on every connection, a fraction of them or a fraction of the
/// packets. It is a <see cref="CtrafficServer"/>: with <c>o.Server = proxy</c> the traffic goes
/// through it, and each fault marks its window on the traffic by itself (as do the upstream
/// server's own disruptions: traffic attached with <see cref="DisruptionSource.RecordOn"/> is attached to it too).
/// <code>
/// await using var server = CtrafficServer.InProcess();
/// await using var proxy = FaultProxy.Start(server);
/// await using var traffic = CtrafficFixture.Start(o => o.Server = proxy);
/// await proxy.ApplyForAsync(Fault.Latency(TimeSpan.FromMilliseconds(100)), TimeSpan.FromSeconds(2));
/// var window = (await traffic.StopAsync()).Window("latency 100ms");
/// </code>
/// Faults are switched on and off at any time under load: each connection reads the set of faults
/// on as one immutable snapshot per chunk, swapped atomically; no lock is held while a socket is
/// awaited, so a switch never waits for a connection nor a connection for a switch.
/// </summary>
public sealed partial class FaultProxy : CtrafficServer
{
    private readonly FaultProxyOptions _options;
    private readonly RelaySettings _relay;
    private readonly Resolver _resolver;
    private readonly UpstreamPicker _picker;
    private readonly AddressTargets _targets;
    private readonly FaultSet _faults;
    private int _disposed;

    private FaultProxy(CtrafficServer upstream, FaultProxyOptions options)
        : base(options.Name ?? $"proxy {upstream.Name}")
    {
        Upstream = upstream;
        _options = options;
        AddChild(upstream); // a kill behind the proxy is as visible as without it
        _front = new RelayFront(options.TimeProvider, (client, _) => CarryAsync(client));
        _faults = new FaultSet(this, BeginDisruption, _front);
        _relay = new RelaySettings
        {
            Time = options.TimeProvider,
            BufferSize = options.BufferSize,
            QueueCapacity = options.QueueCapacity,
            QueueBytes = options.QueueBytes,
            Faults = _faults.Now,
        };
        _resolver = new Resolver(options.TimeProvider);
        _picker = new UpstreamPicker(options.Policy, new Connector(_resolver, options.ConnectTimeout, options.TimeProvider));
        _targets = new AddressTargets(upstream);
        Address = Listen(HostPort.Parse(options.Address));
    }

    /// <summary>Starts a proxy in front of <paramref name="upstream"/>, which the caller keeps and disposes.</summary>
    /// <param name="upstream">The server the proxy forwards to.</param>
    /// <param name="configure">Sets the options; <see langword="null"/> keeps the defaults (a free port of 127.0.0.1, TCP and UDP).</param>
    /// <returns>The proxy, listening.</returns>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="SocketException">The address cannot be bound.</exception>
    public static FaultProxy Start(CtrafficServer upstream, Action<FaultProxyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        var options = new FaultProxyOptions();
        configure?.Invoke(options);
        options.Validate();
        return new FaultProxy(upstream, options.Clone());
    }

    /// <summary>Starts a proxy in front of the server at <paramref name="upstreamAddress"/> (<c>host:port</c>, or several comma-separated, used in turn).</summary>
    /// <param name="upstreamAddress">Where the server is.</param>
    /// <param name="configure">Sets the options; <see langword="null"/> keeps the defaults.</param>
    /// <returns>The proxy, listening.</returns>
    /// <exception cref="ArgumentException">An address or option is invalid.</exception>
    /// <exception cref="SocketException">The address cannot be bound.</exception>
    public static FaultProxy Start(string upstreamAddress, Action<FaultProxyOptions>? configure = null)
        => Start(External(upstreamAddress), configure);

    /// <summary>The server the proxy forwards to.</summary>
    public CtrafficServer Upstream { get; }

    /// <summary>Where the proxy listens (TCP, and UDP on the same port): <c>127.0.0.1:port</c>.</summary>
    public override string Address { get; }

    /// <inheritdoc/>
    public override string? HostName => Upstream.HostName;

    /// <summary>None of its own: disrupt the upstream server, or add a <see cref="Fault"/>.</summary>
    public override ServerDisruptions Supports => ServerDisruptions.None;

    /// <inheritdoc/>
    public override bool IsRunning => Volatile.Read(ref _disposed) == 0 && Upstream.IsRunning;

    /// <summary>The faults on now, in the order they were added.</summary>
    public IReadOnlyList<ActiveFault> Faults => _faults.Now();

    /// <summary>What the proxy has carried and holds now.</summary>
    /// <returns>The counts of this moment.</returns>
    public FaultProxyStatistics GetStatistics() => Counters.Snapshot(_links.Count, _udp?.Sessions ?? 0);

    /// <summary>What the proxy's connections and sessions count as they go.</summary>
    internal RelayCounters Counters => _relay.Counters;

    /// <summary>
    /// Switches <paramref name="fault"/> on, for chunks read from now on and for new connections,
    /// and opens its window (<see cref="Fault.Name"/>) on the traffic; disposing the result
    /// switches it off and ends the window.
    /// </summary>
    /// <param name="fault">The fault.</param>
    /// <returns>The fault while it is on.</returns>
    /// <exception cref="ObjectDisposedException">The proxy is disposed.</exception>
    public ActiveFault Add(Fault fault) => _faults.Add(fault);

    /// <summary>Switches <paramref name="fault"/> on for <paramref name="duration"/>, marking its window, then off.</summary>
    /// <param name="fault">The fault.</param>
    /// <param name="duration">How long; more than 0, at most <see cref="CtrafficServer.MaxDuration"/> (checked before the fault is switched on).</param>
    /// <param name="cancellationToken">Switches it off early (and throws <see cref="OperationCanceledException"/>).</param>
    /// <returns>Completes once the fault is off.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is out of range.</exception>
    public Task ApplyForAsync(Fault fault, TimeSpan duration, CancellationToken cancellationToken = default)
        => _faults.ApplyForAsync(fault, duration, _options.TimeProvider, cancellationToken);

    /// <summary>Switches every fault off.</summary>
    public void Clear() => _faults.Clear();

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Address} -> {Upstream.Address})";

    /// <inheritdoc/>
    protected override async ValueTask DisposeAsyncCore()
    {
        Volatile.Write(ref _disposed, 1);
        await _disposing.CancelAsync().ConfigureAwait(false);
        _front.Close(); // first, so that switching a refusal off does not listen again
        _faults.Close();
        _udp?.Dispose();
        foreach (var link in _links.Values)
        {
            link.Abort(reset: true);
        }

        // Every link is reset and every connect given up: the handlers end as soon as their loops see it.
        await _front.HandlersEnded.ConfigureAwait(false);
        _disposing.Dispose();
    }
}
