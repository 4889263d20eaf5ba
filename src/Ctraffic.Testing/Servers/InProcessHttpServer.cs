using Ctraffic.Server.Http;

namespace Ctraffic.Testing;

/// <summary>
/// The ctraffic HTTP server in the test's own process (<see cref="CtrafficServer.InProcessHttpAsync"/>):
/// Kestrel on a loopback port, serving HTTP/1.1, or HTTP/2 (h2c, or over TLS with a certificate)
/// and the gRPC health service; killed (connections aborted), stopped (gracefully: <c>Connection: close</c>, GOAWAY)
/// and started again on the same port.
/// </summary>
public sealed class InProcessHttpServer : CtrafficServer
{
    /// <summary>How long a stop lets requests in flight finish before it aborts the rest.</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(1);

    private readonly HttpServerOptions _options;
    private HttpServer? _server;
    private string _hostName;
    private string? _nextHostName;

    private InProcessHttpServer(HttpServerOptions options, HttpServer server, bool http2, string name)
        : base(name)
    {
        _server = server;
        _hostName = server.HostName;
        Http2 = http2;
        Address = http2 ? server.Http2ConnectAddress : server.ConnectAddress;

        // Started again on the very port it got.
        _options = new HttpServerOptions
        {
            Address = http2 ? null : Address,
            Http2Address = http2 ? Address : null,
            HostName = options.HostName,
            HostHeader = options.HostHeader,
            Certificate = options.Certificate,
        };
    }

    /// <summary>
    /// The certificate it serves TLS with (<see cref="HttpServerOptions.Certificate"/>), or
    /// <see langword="null"/>. Traffic given this server as its <c>Server</c> speaks TLS and trusts
    /// this certificate (and only it) by itself.
    /// </summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate => _options.Certificate;

    /// <summary>Whether it serves HTTP/2 (h2c, and gRPC) rather than HTTP/1.1.</summary>
    public bool Http2 { get; }

    /// <inheritdoc/>
    public override string Address { get; }

    /// <inheritdoc/>
    public override string HostName => Volatile.Read(ref _hostName);

    /// <inheritdoc/>
    public override ServerDisruptions Supports => ServerDisruptions.Kill | ServerDisruptions.Stop | ServerDisruptions.Start;

    /// <inheritdoc/>
    public override bool IsRunning => Volatile.Read(ref _server) is not null;

    /// <summary>The HTTP server now serving, or <see langword="null"/> while killed or stopped.</summary>
    public HttpServer? Server => Volatile.Read(ref _server);

    /// <summary>
    /// Starts the server again on the same address, answering with another host name — a new
    /// version of the service, whose connections the report tells apart from the old one's.
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

        _nextHostName = hostName;
        return StartAsync(cancellationToken);
    }

    internal static async Task<InProcessHttpServer> StartNewAsync(HttpServerOptions options, bool http2, string? name, CancellationToken cancellationToken)
    {
        var server = await HttpServer.StartAsync(options, cancellationToken).ConfigureAwait(false);
        return new InProcessHttpServer(options, server, http2, name ?? options.HostName ?? "server");
    }

    /// <inheritdoc/>
    protected override async Task KillCoreAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _server, null) is { } server)
        {
            await server.KillAsync().ConfigureAwait(false);
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
    protected override async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var options = new HttpServerOptions
        {
            Address = _options.Address,
            Http2Address = _options.Http2Address,
            HostName = Interlocked.Exchange(ref _nextHostName, null) ?? _options.HostName,
            HostHeader = _options.HostHeader,
            Certificate = _options.Certificate,
        };
        var server = await HttpServer.StartAsync(options, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _hostName, server.HostName);
        Volatile.Write(ref _server, server);
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
