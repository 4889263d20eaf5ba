using Ctraffic.Server;

namespace Ctraffic.Testing;

/// <summary>
/// A ctraffic server in the test's own process (<see cref="CtrafficServer.InProcess"/>): real
/// sockets on loopback, killed (RST), stopped (FIN) and started again on the same port in
/// milliseconds.
/// </summary>
public sealed class InProcessServer : CtrafficServer
{
    /// <summary>The address an in-process server listens on unless told otherwise: a free port of 127.0.0.1.</summary>
    public const string DefaultAddress = "127.0.0.1:0";

    /// <summary>How long <see cref="CtrafficServer.StopAsync"/> lets connections close before it resets the rest.</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(1);

    private readonly EchoServerOptions _options;
    private string _hostName;
    private readonly string _address;
    private EchoServer? _server;

    internal InProcessServer(EchoServerOptions options, string name)
        : base(name)
    {
        _server = EchoServer.Start(options);
        // Started again on the very port it got, also when the first start took a free one.
        _options = new EchoServerOptions
        {
            Address = HostPort.Format(_server.LocalEndPoint),
            HostName = options.HostName,
            Udp = options.Udp,
            Backlog = options.Backlog,
            Log = options.Log,
        };
        _address = _server.ConnectAddress;
        _hostName = _server.HostName;
    }

    /// <inheritdoc/>
    public override string Address => _address;

    /// <inheritdoc/>
    public override string HostName => Volatile.Read(ref _hostName);

    /// <inheritdoc/>
    public override ServerDisruptions Supports => ServerDisruptions.Kill | ServerDisruptions.Stop | ServerDisruptions.Start;

    /// <inheritdoc/>
    public override bool IsRunning => Volatile.Read(ref _server) is not null;

    /// <summary>The echo server now serving, or <see langword="null"/> while killed or stopped.</summary>
    public EchoServer? Server => Volatile.Read(ref _server);

    /// <summary>
    /// Starts the server again on the same address, answering with another host name — a new
    /// version of the server, whose connections the report tells apart from the old one's.
    /// </summary>
    /// <param name="hostName">The host name the new server answers with.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes once the server serves.</returns>
    /// <exception cref="InvalidOperationException">The server is running.</exception>
    public Task StartAsync(string hostName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hostName);
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is running: kill or stop it first");
        }

        _options.HostName = hostName;
        return StartAsync(cancellationToken);
    }

    /// <inheritdoc/>
    protected override async Task KillCoreAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _server, null) is { } server)
        {
            server.Kill();
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    protected override async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _server, null) is { } server)
        {
            await server.StopAsync(StopGrace, cancellationToken).ConfigureAwait(false);
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    protected override Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var server = EchoServer.Start(_options);
        Volatile.Write(ref _hostName, server.HostName);
        if (Interlocked.CompareExchange(ref _server, server, null) is not null)
        {
            server.Kill();
            throw new InvalidOperationException($"{Name} is running: kill or stop it first");
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    protected override async ValueTask DisposeAsyncCore()
    {
        if (Interlocked.Exchange(ref _server, null) is { } server)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
