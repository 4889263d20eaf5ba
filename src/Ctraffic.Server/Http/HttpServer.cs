using System.Net;
using Ctraffic.Server.Http.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Ctraffic.Server.Http;

/// <summary>
/// The ctraffic HTTP server: Kestrel on ports of its own, answering HTTP/1.1 on one and HTTP/2 (h2c
/// with prior knowledge) on the other, and on both the gRPC health service
/// (<c>grpc.health.v1.Health/Check</c>, always <c>SERVING</c>), with its host name in a response
/// header on every answer. <c>GET /</c> answers <c>200 ok</c>; <c>/status/NNN</c> answers status NNN.
/// Hostable in-process; NativeAOT-compatible (no MVC, no reflection-based routing).
/// </summary>
public sealed class HttpServer : IAsyncDisposable
{
    /// <summary>The response header with the server's host name, unless configured otherwise: <c>ctraffic-host</c>.</summary>
    public const string DefaultHostHeader = "ctraffic-host";

    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private int _stopped;

    private HttpServer(WebApplication app, HttpServerOptions options, IPEndPoint? local, IPEndPoint? http2)
    {
        _app = app;
        _time = options.TimeProvider;
        HostName = options.EffectiveHostName;
        LocalEndPoint = local;
        Http2EndPoint = http2;
        Certificate = options.Certificate;
    }

    /// <summary>The address HTTP/1.1 is served on, with the port it got; <see langword="null"/> if none.</summary>
    public IPEndPoint? LocalEndPoint { get; }

    /// <summary>The address HTTP/2 (h2c) is served on, with the port it got; <see langword="null"/> if none.</summary>
    public IPEndPoint? Http2EndPoint { get; }

    /// <summary>The HTTP/1.1 address as <c>host:port</c> a client can connect to (a wildcard listen address becomes loopback); empty if none.</summary>
    public string ConnectAddress => Connectable(LocalEndPoint);

    /// <summary>The HTTP/2 address as <c>host:port</c> a client can connect to; empty if none.</summary>
    public string Http2ConnectAddress => Connectable(Http2EndPoint);

    /// <summary>The host name the server sends in its responses.</summary>
    public string HostName { get; }

    /// <summary>Starts a server.</summary>
    /// <param name="options">What to serve; validated first.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="IOException">The address cannot be listened on (e.g. in use).</exception>
    public static async Task<HttpServer> StartAsync(HttpServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone();
        options.Validate();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MinRequestBodyDataRate = null;
            k.Limits.MinResponseDataRate = null;
            k.Limits.Http2.MaxStreamsPerConnection = 1000;
            var tls = options.Certificate;
            if (options.Address is { } h1)
            {
                k.Listen(ListenAddress(h1), l =>
                {
                    l.Protocols = tls is null ? HttpProtocols.Http1 : HttpProtocols.Http1AndHttp2;
                    UseTls(l, tls);
                });
            }

            if (options.Http2Address is { } h2)
            {
                k.Listen(ListenAddress(h2), l =>
                {
                    l.Protocols = HttpProtocols.Http2;
                    UseTls(l, tls);
                });
            }
        });
        var app = builder.Build();
        var responder = new HttpResponder(options.EffectiveHostName, options.HostHeader);
        app.Run(responder.AnswerAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        // Kestrel lists its addresses in the order of the Listen calls, with the ports it got.
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a).Port).ToArray();
        IPEndPoint? local = null, http2 = null;
        var next = 0;
        if (options.Address is { } a1)
        {
            local = new IPEndPoint(ListenAddress(a1).Address, bound[next++]);
        }

        if (options.Http2Address is { } a2)
        {
            http2 = new IPEndPoint(ListenAddress(a2).Address, bound[next]);
        }

        await ServerWarmUp.OnceAsync(local, http2: false, options.Certificate, cancellationToken).ConfigureAwait(false);
        await ServerWarmUp.OnceAsync(http2, http2: true, options.Certificate, cancellationToken).ConfigureAwait(false);
        return new HttpServer(app, options, local, http2);
    }

    /// <summary>The certificate it serves TLS with (<see cref="HttpServerOptions.Certificate"/>), or <see langword="null"/> for none.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; }

    private static void UseTls(ListenOptions listen, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate)
    {
        if (certificate is not null)
        {
            listen.UseHttps(certificate);
        }
    }

    /// <summary>
    /// Stops gracefully: no new connections; HTTP/1.1 connections are closed after their request in
    /// flight (<c>Connection: close</c>), HTTP/2 connections get a GOAWAY; after
    /// <paramref name="grace"/> (default 1 s) the rest are aborted. Idempotent.
    /// </summary>
    /// <param name="grace">How long requests in flight may finish.</param>
    /// <param name="cancellationToken">Aborts the wait: the connections left are aborted at once.</param>
    public async Task StopAsync(TimeSpan? grace = null, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(grace ?? TimeSpan.FromSeconds(1), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        await _app.StopAsync(linked.Token).ConfigureAwait(false);
    }

    /// <summary>Stops at once, as a crash does: every connection is aborted, requests in flight with it.</summary>
    public async Task KillAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await _app.StopAsync(new CancellationToken(canceled: true)).ConfigureAwait(false);
    }

    private static IPEndPoint ListenAddress(string address)
    {
        var hp = HostPort.Parse(address);
        return new IPEndPoint(hp.IPAddress ?? IPAddress.IPv6Any, hp.Port);
    }

    private static string Connectable(IPEndPoint? endPoint)
    {
        if (endPoint is null)
        {
            return "";
        }

        var ip = endPoint.Address;
        if (ip.Equals(IPAddress.IPv6Any))
        {
            ip = IPAddress.IPv6Loopback;
        }
        else if (ip.Equals(IPAddress.Any))
        {
            ip = IPAddress.Loopback;
        }

        return HostPort.Format(new IPEndPoint(ip, endPoint.Port));
    }

    /// <summary>Stops (gracefully, 1 s) and releases the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
