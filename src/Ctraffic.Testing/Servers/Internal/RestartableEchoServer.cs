using Ctraffic.Server;

namespace Ctraffic.Testing.Servers.Internal;

/// <summary>
/// An echo server that is killed, stopped and started again on the very address it first got:
/// what <see cref="InProcessServer"/> and <see cref="NamespaceServer"/> share. Where the server's
/// sockets are made (this process's network namespace, or another) is the start function's.
/// </summary>
internal sealed class RestartableEchoServer
{
    /// <summary>How long a stop lets connections close before it resets the rest.</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(1);

    private readonly Func<EchoServerOptions, EchoServer> _start;
    private readonly EchoServerOptions _options;
    private string _hostName;
    private EchoServer? _server;

    public RestartableEchoServer(EchoServerOptions options, Func<EchoServerOptions, EchoServer> start)
    {
        _start = start;
        _server = start(options);
        // Started again on the very port it got, also when the first start took a free one.
        _options = new EchoServerOptions
        {
            Address = HostPort.Format(_server.LocalEndPoint),
            HostName = options.HostName,
            Udp = options.Udp,
            Backlog = options.Backlog,
            Log = options.Log,
        };
        Address = _server.ConnectAddress;
        _hostName = _server.HostName;
    }

    public string Address { get; }

    public string HostName => Volatile.Read(ref _hostName);

    public EchoServer? Current => Volatile.Read(ref _server);

    /// <summary>Every connection reset (RST), no more accepts.</summary>
    public async Task KillAsync()
    {
        if (Interlocked.Exchange(ref _server, null) is { } server)
        {
            server.Kill();
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Every connection closed (FIN), those still open after the grace period reset.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _server, null) is { } server)
        {
            await server.StopAsync(StopGrace, cancellationToken).ConfigureAwait(false);
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Serves again, on the same address; with <paramref name="hostName"/> from now on if given.</summary>
    public void Start(string name, string? hostName = null)
    {
        if (hostName is not null)
        {
            _options.HostName = hostName;
        }

        var server = _start(_options);
        Volatile.Write(ref _hostName, server.HostName);
        if (Interlocked.CompareExchange(ref _server, server, null) is not null)
        {
            server.Kill();
            throw new InvalidOperationException($"{name} is running: kill or stop it first");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _server, null) is { } server)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
