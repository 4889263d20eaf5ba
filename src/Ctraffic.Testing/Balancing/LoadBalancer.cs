using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using Ctraffic.Testing.Balancing.Internal;
using Ctraffic.Testing.Relay;

namespace Ctraffic.Testing;

/// <summary>
/// An in-process L4 (TCP, and with <see cref="LoadBalancerOptions.Udp"/> UDP) load balancer in front of several servers, with a stable front address
/// on loopback: connections to <see cref="Address"/> are forwarded byte for byte to a backend that
/// <see cref="Policy"/> picks. While traffic runs, a test removes a backend (its connections are
/// reset: a fail-over), drains one (no new connections; the open ones go on until they end or the
/// grace period resets them), adds or replaces backends, or upgrades them all
/// (<see cref="RollingUpgrade"/>). Each marks itself on the traffic: <c>"remove backend-2"</c>,
/// <c>"drain backend-2"</c>. The balancer is a server too: kill, stop and start it. It carries the
/// faults a <see cref="FaultProxy"/> makes (<see cref="Add(Fault)"/>, <see cref="ApplyForAsync"/>), each
/// marking its window on the traffic.
/// <code>
/// await using var backends = Backends.StartInProcess(4);
/// await using var balancer = LoadBalancer.Start(backends);
/// await using var traffic = CtrafficFixture.Start(o => o.Server = balancer);
/// await backends[1].KillAsync();     // marks "kill backend-2" on the traffic
/// </code>
/// Traffic attached with <see cref="DisruptionSource.RecordOn"/> is attached to every backend too (also those
/// added later), so that a backend's own disruptions mark themselves on it.
/// </summary>
public sealed partial class LoadBalancer : CtrafficServer
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(1);

    private readonly LoadBalancerOptions _options;
    private readonly IPEndPoint _endPoint;
    private readonly Lock _lock = new();
    private readonly RelaySettings _relay;
    private readonly UpstreamPicker _picker;
    private readonly RelayFront _front;
    private readonly FaultSet _faults;
    private readonly CancellationTokenSource _disposing = new();
    private ImmutableArray<Backend> _pool = [];

    private LoadBalancer(LoadBalancerOptions options, IEnumerable<CtrafficServer> backends)
        : base(options.Name)
    {
        _options = options;
        _front = new RelayFront(options.TimeProvider, HandleAsync);
        _faults = new FaultSet(this, BeginDisruption, _front);
        _relay = new RelaySettings { Time = options.TimeProvider, BufferSize = options.BufferSize, Faults = _faults.Now };
        _resolver = new Resolver(options.TimeProvider);
        _picker = new UpstreamPicker(options.Policy, new Connector(_resolver, options.ConnectTimeout, options.TimeProvider));
        foreach (var backend in backends)
        {
            Add(backend);
        }

        var address = HostPort.Parse(options.Address);
        _endPoint = Listen(new IPEndPoint(address.IPAddress!, address.Port));
        Address = HostPort.Format(_endPoint);
    }

    /// <summary>Starts a balancer in front of <paramref name="backends"/>, listening at once.</summary>
    /// <param name="backends">The servers to forward to; more can be added later. The caller keeps owning them.</param>
    /// <param name="configure">Sets the options (policy, front address, drain grace); <see langword="null"/> keeps the defaults.</param>
    /// <returns>The balancer, accepting connections.</returns>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="SocketException">The front address cannot be bound (e.g. in use).</exception>
    public static LoadBalancer Start(IEnumerable<CtrafficServer> backends, Action<LoadBalancerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(backends);
        var options = new LoadBalancerOptions();
        configure?.Invoke(options);
        options.Validate();
        return new LoadBalancer(options, backends);
    }

    /// <summary>The front address, <c>127.0.0.1:port</c>: the same across kill and start.</summary>
    public override string Address { get; }

    /// <inheritdoc/>
    public override ServerDisruptions Supports => ServerDisruptions.Kill | ServerDisruptions.Stop | ServerDisruptions.Start;

    /// <inheritdoc/>
    public override bool IsRunning => _front.IsOpen;

    /// <summary>How new connections are spread.</summary>
    public BalancingPolicy Policy => _options.Policy;

    /// <summary>The backends in the pool, in the order they were added (a draining backend stays in until its drain ends).</summary>
    public IReadOnlyList<CtrafficServer> Backends => [.. _pool.Select(b => b.Server)];

    /// <summary>Connections open now through the balancer, to any backend.</summary>
    public int Connections => _pool.Sum(b => b.Active);

    /// <summary>Connections open now through the balancer to <paramref name="backend"/> (0 if it is not in the pool).</summary>
    /// <param name="backend">A backend.</param>
    /// <returns>The number of open connections.</returns>
    public int ConnectionsTo(CtrafficServer backend) => Find(backend)?.Active ?? 0;

    /// <summary>Adds <paramref name="backend"/> to the pool: it takes new connections from now on.</summary>
    /// <param name="backend">The server; the caller keeps owning it.</param>
    /// <exception cref="ArgumentException">It is in the pool already.</exception>
    public void Add(CtrafficServer backend) => Add(backend, owned: false);

    /// <summary>
    /// Removes <paramref name="backend"/> as a fail-over does: every connection to it is reset (the
    /// clients get a RST) and it takes no new ones; the server itself is left as it is. Marks
    /// <c>"remove NAME"</c>.
    /// </summary>
    /// <param name="backend">A backend in the pool.</param>
    /// <exception cref="ArgumentException">It is not in the pool.</exception>
    public void Remove(CtrafficServer backend)
    {
        var slot = Find(backend) ?? throw NotInPool(backend);
        Mark($"remove {backend.Name}");
        slot.Closed = true;
        Take(slot);
        foreach (var connection in slot.Connections)
        {
            connection.Reset();
        }
    }

    /// <summary>
    /// Drains <paramref name="backend"/>: no new connection goes to it; the open ones go on until
    /// they end or until <paramref name="grace"/> has passed, when the balancer resets those left.
    /// Then it leaves the pool. Marks the disruption <c>"drain NAME"</c> for as long as it lasts: when
    /// it reset connections, until <see cref="ResetSettle"/> after the resets, so that the clients
    /// see them (and count them) inside the drain's window rather than in the next one's.
    /// </summary>
    /// <param name="backend">A backend in the pool.</param>
    /// <param name="grace">How long the open connections may go on; <see langword="null"/> for <see cref="LoadBalancerOptions.DrainGrace"/>.</param>
    /// <param name="cancellationToken">Ends the grace period early (the connections left are reset).</param>
    /// <returns>The number of connections the balancer reset at the end of the grace period.</returns>
    /// <exception cref="ArgumentException">It is not in the pool.</exception>
    public Task<int> DrainAsync(CtrafficServer backend, TimeSpan? grace = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(backend);
        return DrainAsync(backend, grace, whileDraining: null, cancellationToken);
    }

    /// <summary>
    /// <see cref="DrainAsync(CtrafficServer, TimeSpan?, CancellationToken)"/>, with
    /// <paramref name="whileDraining"/> started as soon as the backend takes no new connection (a
    /// graceful stop of the backend, which closes its connections itself) and awaited before the
    /// drain ends; the drain then lasts <see cref="ResetSettle"/> longer, as after resets, so that
    /// the clients see the server's closes inside its window.
    /// </summary>
    internal async Task<int> DrainAsync(CtrafficServer backend, TimeSpan? grace, Func<Task>? whileDraining, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var slot = Find(backend) ?? throw NotInPool(backend);
        var wait = grace ?? _options.DrainGrace;
        LoadBalancerOptions.CheckDrainGrace(wait, nameof(grace));
        using var span = BeginDisruption($"drain {backend.Name}");
        slot.Closed = true;
        var serverCloses = whileDraining is not null && slot.Active > 0;
        var meanwhile = whileDraining?.Invoke() ?? Task.CompletedTask;
        try
        {
            await slot.IdleAsync().WaitAsync(wait, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // The grace period is over: the connections left are reset below.
        }

        Take(slot);
        var reset = 0;
        foreach (var connection in slot.Connections)
        {
            connection.Reset();
            reset++;
        }

        await meanwhile.ConfigureAwait(false);
        if (reset > 0 || serverCloses)
        {
            // The clients see the ends (the balancer's resets, or the server's own closes and aborts) inside this window.
            await Task.Delay(ResetSettle, _options.TimeProvider, CancellationToken.None).ConfigureAwait(false);
        }

        return reset;
    }

    /// <summary>How long a drain's window goes on after it reset connections: the clients see a reset within milliseconds, and 250 ms leaves room for a busy machine.</summary>
    public static TimeSpan ResetSettle { get; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Adds <paramref name="replacement"/>, then drains <paramref name="backend"/> (see <see cref="DrainAsync(CtrafficServer, TimeSpan?, CancellationToken)"/>).</summary>
    /// <param name="backend">A backend in the pool.</param>
    /// <param name="replacement">The server that takes its place; the caller keeps owning it.</param>
    /// <param name="grace">How long the old one's connections may go on; <see langword="null"/> for <see cref="LoadBalancerOptions.DrainGrace"/>.</param>
    /// <param name="cancellationToken">Ends the grace period early.</param>
    /// <returns>The number of connections reset at the end of the grace period.</returns>
    public Task<int> ReplaceAsync(CtrafficServer backend, CtrafficServer replacement, TimeSpan? grace = null, CancellationToken cancellationToken = default)
    {
        _ = Find(backend) ?? throw NotInPool(backend);
        Add(replacement);
        return DrainAsync(backend, grace, cancellationToken);
    }

    /// <summary>The faults on now, in the order they were added.</summary>
    public IReadOnlyList<ActiveFault> Faults => _faults.Now();

    /// <summary>
    /// Switches <paramref name="fault"/> on in the balancer, for chunks read from now on and for new
    /// connections, whichever backend they go to, as a <see cref="FaultProxy"/> does (latency,
    /// bandwidth, blackhole, reset, close, refuse, slicer, and loss with <see cref="LoadBalancerOptions.Udp"/>), and opens
    /// its window (<see cref="Fault.Name"/>) on the traffic; disposing the result switches it off and
    /// ends the window.
    /// </summary>
    /// <param name="fault">The fault.</param>
    /// <returns>The fault while it is on.</returns>
    /// <exception cref="ObjectDisposedException">The balancer is disposed.</exception>
    public ActiveFault Add(Fault fault) => _faults.Add(fault);

    /// <summary>Switches <paramref name="fault"/> on in the balancer for <paramref name="duration"/>, marking its window, then off.</summary>
    /// <param name="fault">The fault.</param>
    /// <param name="duration">How long; more than 0, at most <see cref="CtrafficServer.MaxDuration"/> (checked before the fault is switched on).</param>
    /// <param name="cancellationToken">Switches it off early (and throws <see cref="OperationCanceledException"/>).</param>
    /// <returns>Completes once the fault is off.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is out of range.</exception>
    public Task ApplyForAsync(Fault fault, TimeSpan duration, CancellationToken cancellationToken = default)
        => _faults.ApplyForAsync(fault, duration, _options.TimeProvider, cancellationToken);

    /// <summary>Switches every fault of the balancer off.</summary>
    public void Clear() => _faults.Clear();

    /// <summary>Accept errors (out of descriptors, ...) the front has waited out.</summary>
    internal long AcceptErrors => _front.AcceptErrors;

    /// <summary>Opens the disruption <c>"upgrade NAME"</c> of a rolling-upgrade step.</summary>
    internal IDisposable BeginUpgrade(CtrafficServer backend) => BeginDisruption($"upgrade {backend.Name}");

    internal void Add(CtrafficServer backend, bool owned)
    {
        ArgumentNullException.ThrowIfNull(backend);
        lock (_lock)
        {
            if (_pool.Any(b => b.Server == backend))
            {
                throw new ArgumentException($"{backend.Name} is in the pool of {Name} already", nameof(backend));
            }

            _pool = _pool.Add(new Backend(backend, owned));
        }

        AddChild(backend);
    }

    /// <inheritdoc/>
    protected override Task KillCoreAsync(CancellationToken cancellationToken)
    {
        _front.Close();
        CloseUdp();
        foreach (var connection in _pool.SelectMany(b => b.Connections))
        {
            connection.Reset();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    protected override async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        _front.Close();
        CloseUdp();
        var open = _pool.SelectMany(b => b.Connections).ToList();
        foreach (var connection in open)
        {
            connection.ShutdownClient();
        }

        try
        {
            await Task.WhenAll(_pool.Select(b => b.IdleAsync())).WaitAsync(StopGrace, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The grace is over: the connections left are reset below.
        }

        foreach (var connection in open)
        {
            connection.Reset();
        }
    }

    /// <inheritdoc/>
    protected override Task StartCoreAsync(CancellationToken cancellationToken)
    {
        if (!_front.TryOpen(_endPoint, out _))
        {
            throw new InvalidOperationException($"{Name} is running: kill or stop it first");
        }

        OpenUdp();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    protected override async ValueTask DisposeAsyncCore()
    {
        await _disposing.CancelAsync().ConfigureAwait(false);
        _front.Close(); // first, so that switching a refusal off does not listen again
        _faults.Close();
        CloseUdp();
        foreach (var connection in _pool.SelectMany(b => b.Connections))
        {
            connection.Reset();
        }

        await _front.HandlersEnded.ConfigureAwait(false);
        foreach (var backend in _pool.Where(b => b.Owned))
        {
            await backend.Server.DisposeAsync().ConfigureAwait(false);
        }

        ForgetChildren();
        _disposing.Dispose();
    }

    /// <summary>One accepted connection: a backend the policy picks (the next in turn when a connect fails), then the relay.</summary>
    private async Task HandleAsync(Socket client, int generation)
    {
        if (_faults.Refuses(client, _relay.Counters, out var id))
        {
            return;
        }

        IPEndPoint clientEndPoint;
        try
        {
            clientEndPoint = (IPEndPoint)client.RemoteEndPoint!;
            client.NoDelay = true;
        }
        catch (SocketException)
        {
            SocketClose.Reset(client); // reset before we got to it
            return;
        }

        var connected = await _picker.ConnectAsync(TakingConnections(), clientEndPoint, _disposing.Token).ConfigureAwait(false);
        if (connected is not var (server, target))
        {
            SocketClose.Reset(client);
            return;
        }

        var relay = new TcpRelay(client, server, _relay, id);
        target.Opened(relay);
        try
        {
            // Counted on its backend first, so that a kill, removal or drain from now on sees it.
            if (_front.Generation != generation || target.Closed)
            {
                relay.Reset();
            }

            await relay.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            target.Ended(relay);
        }
    }

    /// <summary>The backends of the pool that take new connections and UDP sessions (not drained or removed): what the policy picks from.</summary>
    private List<Backend> TakingConnections() => [.. _pool.Where(b => !b.Closed)];

    private Backend? Find(CtrafficServer backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        return _pool.FirstOrDefault(b => b.Server == backend);
    }

    private void Take(Backend slot)
    {
        lock (_lock)
        {
            _pool = _pool.Remove(slot);
        }

        _udp?.CloseSessionsTo(slot);
    }

    private ArgumentException NotInPool(CtrafficServer backend)
        => new($"{backend.Name} is not in the pool of {Name}; it has {string.Join(", ", _pool.Select(b => b.Server.Name))}", nameof(backend));
}
