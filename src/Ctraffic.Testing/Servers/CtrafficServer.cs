using System.Collections.Immutable;
using Ctraffic.Server;
using Ctraffic.Testing.Relay;
using Ctraffic.Testing.Servers.Internal;

namespace Ctraffic.Testing;

/// <summary>
/// A ctraffic server the test controls: where the traffic goes (<see cref="Address"/>), the host
/// name it answers with, and the disruptions it supports — kill (RST), stop (FIN), start again on
/// the same address, pause. Each disruption marks itself on the traffic that goes to the server:
/// <see cref="KillAsync"/> and <see cref="StopAsync"/> open the disruption <c>"kill NAME"</c> or
/// <c>"stop NAME"</c>, which <see cref="StartAsync"/> ends; <see cref="PauseAsync"/> marks
/// <c>"pause NAME"</c> for as long as it lasts.
/// <code>
/// await using var server = CtrafficServer.InProcess(s => s.HostName = "backend-1");
/// await using var traffic = await CtrafficFixture.StartAsync(o => o.Server = server);
/// await server.KillAsync();          // marks "kill backend-1"
/// await server.StartAsync();         // ends it
/// </code>
/// Implementations: <see cref="InProcessServer"/> (<see cref="InProcess"/>), a container
/// (<c>CtrafficContainer</c>), an external address (<see cref="External"/>: no disruptions), a
/// load balancer over several servers (<c>LoadBalancer</c>), a program (<c>ProcessServer</c>), an
/// instance of an ASP.NET Core app (<see cref="AspNetCoreServer"/>).
/// </summary>
public abstract class CtrafficServer : DisruptionSource, IAsyncDisposable
{
    private readonly Lock _lock = new();
    private IDisposable? _down;
    private ParsedAddress? _endpoints;
    private int _disposed;

    /// <summary>The longest disruption a duration is given for (a pause, a fault applied for a time): one day.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(1);

    /// <summary>Creates a server named <paramref name="name"/>.</summary>
    /// <param name="name">Names the server in its disruptions (<c>"kill NAME"</c>).</param>
    protected CtrafficServer(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>
    /// Starts a ctraffic server in this process, on a free port of 127.0.0.1 unless
    /// <paramref name="configure"/> sets <see cref="EchoServerOptions.Address"/>.
    /// </summary>
    /// <param name="configure">Sets the options (host name, address, UDP); <see langword="null"/> keeps the defaults.</param>
    /// <param name="name">Names it in its disruptions; <see langword="null"/> for the host name if one is set, else <c>server</c>.</param>
    /// <returns>The server, serving.</returns>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The address cannot be bound (e.g. in use).</exception>
    public static InProcessServer InProcess(Action<EchoServerOptions>? configure = null, string? name = null)
    {
        var options = new EchoServerOptions { Address = InProcessServer.DefaultAddress };
        configure?.Invoke(options);
        return new InProcessServer(options, name ?? options.HostName ?? "server");
    }

    /// <summary>
    /// The ctraffic HTTP server in the test's own process, on a free port of 127.0.0.1: HTTP/1.1, or
    /// with <paramref name="http2"/> HTTP/2 without TLS (h2c) and the gRPC health service; its host
    /// name in the <c>ctraffic-host</c> response header.
    /// </summary>
    /// <param name="http2">Serve HTTP/2 (for <see cref="Client.TrafficClient.Http2"/> and <see cref="Client.TrafficClient.Grpc"/>) rather than HTTP/1.1.</param>
    /// <param name="configure">Sets the options (host name, header); the addresses are set by <paramref name="http2"/>.</param>
    /// <param name="name">Names it in its disruptions; <see langword="null"/> for the host name if one is set, else <c>server</c>.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The server, serving.</returns>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static Task<InProcessHttpServer> InProcessHttpAsync(bool http2 = false, Action<Server.Http.HttpServerOptions>? configure = null, string? name = null, CancellationToken cancellationToken = default)
    {
        var options = new Server.Http.HttpServerOptions();
        configure?.Invoke(options);
        options.Address = http2 ? null : InProcessServer.DefaultAddress;
        options.Http2Address = http2 ? InProcessServer.DefaultAddress : null;
        return InProcessHttpServer.StartNewAsync(options, http2, name, cancellationToken);
    }

    /// <summary>
    /// A server the test does not control: the system under test at <paramref name="address"/>
    /// (one <c>host:port</c>, or several comma-separated, the connections spread over them). It
    /// supports no disruption: the test disrupts the system itself and marks it on the traffic.
    /// </summary>
    /// <param name="address">One or several <c>host:port</c>, comma-separated.</param>
    /// <param name="name">Names it; <see langword="null"/> for the address.</param>
    /// <returns>The server.</returns>
    /// <exception cref="ArgumentException">An address is not <c>host:port</c>.</exception>
    public static CtrafficServer External(string address, string? name = null) => new ExternalServer(address, name);

    /// <summary>Names the server in its disruptions, e.g. <c>backend-1</c>.</summary>
    public string Name { get; }

    /// <summary>Where to send traffic: <c>host:port</c> (for an external server, possibly several, comma-separated).</summary>
    public abstract string Address { get; }

    /// <summary>
    /// <see cref="Address"/> parsed into typed addresses, once (again only if the address changes):
    /// what a balancer or a proxy in front of the server connects to, each in turn.
    /// </summary>
    /// <exception cref="ArgumentException">The address is not a list of <c>host:port</c>.</exception>
    internal ImmutableArray<Upstream> AddressList
    {
        get
        {
            var address = Address;
            var parsed = Volatile.Read(ref _endpoints);
            if (parsed is null || parsed.Text != address)
            {
                parsed = new ParsedAddress(address, Upstream.ParseList(address));
                Volatile.Write(ref _endpoints, parsed);
            }

            return parsed.List;
        }
    }

    /// <summary>Whether <see cref="DisposeAsync"/> was called.</summary>
    private bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>The host name the server answers with, if known.</summary>
    public virtual string? HostName => null;

    /// <summary>The disruptions this server supports; the others throw <see cref="NotSupportedException"/>.</summary>
    public abstract ServerDisruptions Supports { get; }

    /// <summary>Whether the server serves now (not killed, stopped or paused).</summary>
    public abstract bool IsRunning { get; }

    /// <summary>
    /// Kills the server as a crash does: every connection is reset (RST) and new ones are refused,
    /// until <see cref="StartAsync"/>. Opens the disruption <c>"kill NAME"</c>.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="NotSupportedException">This server cannot be killed (see <see cref="Supports"/>).</exception>
    /// <exception cref="InvalidOperationException">The server is not running.</exception>
    public Task KillAsync(CancellationToken cancellationToken = default) => GoDownAsync(ServerDisruptions.Kill, "kill", KillCoreAsync, cancellationToken);

    /// <summary>
    /// Stops the server as a graceful shutdown does: every connection is closed (FIN) and new ones
    /// are refused, until <see cref="StartAsync"/>. Opens the disruption <c>"stop NAME"</c>.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="NotSupportedException">This server cannot be stopped (see <see cref="Supports"/>).</exception>
    /// <exception cref="InvalidOperationException">The server is not running.</exception>
    public Task StopAsync(CancellationToken cancellationToken = default) => GoDownAsync(ServerDisruptions.Stop, "stop", StopCoreAsync, cancellationToken);

    /// <summary>
    /// Starts the server again on the same address after a kill or a stop, and returns once it
    /// serves; ends the disruption that the kill or stop opened.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="NotSupportedException">This server cannot be started again (see <see cref="Supports"/>).</exception>
    /// <exception cref="InvalidOperationException">The server is running.</exception>
    /// <exception cref="ObjectDisposedException">The server is disposed.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        Require(ServerDisruptions.Start, "started again");
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is running: kill or stop it first");
        }

        await StartCoreAsync(cancellationToken).ConfigureAwait(false);
        IDisposable? down;
        lock (_lock)
        {
            down = _down;
            _down = null;
        }

        down?.Dispose();
    }

    /// <summary>
    /// Freezes the server for <paramref name="duration"/>: connections stay open, nothing is
    /// echoed or accepted. Marks the disruption <c>"pause NAME"</c> for as long as it lasts.
    /// </summary>
    /// <param name="duration">How long; more than 0, at most <see cref="MaxDuration"/>.</param>
    /// <param name="cancellationToken">Ends the pause early.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is out of range.</exception>
    /// <exception cref="NotSupportedException">This server cannot be paused (see <see cref="Supports"/>).</exception>
    /// <exception cref="ObjectDisposedException">The server is disposed.</exception>
    public async Task PauseAsync(TimeSpan duration, CancellationToken cancellationToken = default)
    {
        CheckDuration(duration, nameof(duration));
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        Require(ServerDisruptions.Pause, "paused");
        using var span = BeginDisruption($"pause {Name}");
        await PauseCoreAsync(duration, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops or kills the server if it runs and releases what it holds. Calling it again does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await DisposeAsyncCore().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Address})";

    /// <summary>Kills the server (every connection reset); called only when <see cref="Supports"/> has <see cref="ServerDisruptions.Kill"/>.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes once the connections are reset.</returns>
    protected virtual Task KillCoreAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    /// <summary>Stops the server (every connection closed); called only when <see cref="Supports"/> has <see cref="ServerDisruptions.Stop"/>.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes once the connections are closed.</returns>
    protected virtual Task StopCoreAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    /// <summary>Starts the server again; called only when <see cref="Supports"/> has <see cref="ServerDisruptions.Start"/>.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes once the server serves.</returns>
    protected virtual Task StartCoreAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    /// <summary>Pauses the server for <paramref name="duration"/>; called only when <see cref="Supports"/> has <see cref="ServerDisruptions.Pause"/>.</summary>
    /// <param name="duration">How long.</param>
    /// <param name="cancellationToken">Ends the pause early.</param>
    /// <returns>Completes once the server serves again.</returns>
    protected virtual Task PauseCoreAsync(TimeSpan duration, CancellationToken cancellationToken) => throw new NotSupportedException();

    /// <summary>Releases what the server holds.</summary>
    /// <returns>Completes once released.</returns>
    protected abstract ValueTask DisposeAsyncCore();

    private async Task GoDownAsync(ServerDisruptions what, string verb, Func<CancellationToken, Task> core, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        Require(what, verb == "kill" ? "killed" : "stopped");
        if (!IsRunning)
        {
            throw new InvalidOperationException($"{Name} is not running: start it first");
        }

        var span = BeginDisruption($"{verb} {Name}");
        lock (_lock)
        {
            (_down, span) = (span, _down);
        }

        span?.Dispose();
        await core(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Throws unless <paramref name="duration"/> is more than 0 and at most <see cref="MaxDuration"/>.</summary>
    internal static void CheckDuration(TimeSpan duration, string name)
    {
        if (duration <= TimeSpan.Zero || duration > MaxDuration)
        {
            throw new ArgumentOutOfRangeException(name, duration, $"{name}: must be more than 0 and at most {MaxDuration}, was {duration}");
        }
    }

    private void Require(ServerDisruptions what, string verb)
    {
        if ((Supports & what) == 0)
        {
            throw new NotSupportedException($"{Name} ({GetType().Name}) cannot be {verb}; it supports: {Supports}");
        }
    }

    private sealed record ParsedAddress(string Text, ImmutableArray<Upstream> List);
}
