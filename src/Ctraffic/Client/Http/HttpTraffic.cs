using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Ctraffic.Client.Connecting;
using Ctraffic.Client.Lanes;
using Ctraffic.Client.Recording;
using Ctraffic.Internal;
using Ctraffic.Statistics;

namespace Ctraffic.Client.Http;

/// <summary>
/// What the HTTP lanes of a run share: the request they send, what a success is, the outcomes,
/// and the re-making of a connection the server closed between requests (a new connection slot,
/// made by the run's <see cref="Connector"/> with its back-off and source addresses). One per run.
/// </summary>
internal sealed class HttpTraffic
{
    private static readonly MediaTypeHeaderValue GrpcContentType = new("application/grpc");
    private static readonly TransferCodingWithQualityHeaderValue Trailers = new("trailers");

    private readonly TrafficOptions _options;
    private readonly RunContext _run;
    private readonly Connector _connector;
    private readonly Uri _uri;
    private readonly Version _version;
    private readonly HttpMethod _method;
    private readonly IReadOnlySet<int>? _success;
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2Collection? _trust;

    public HttpTraffic(TrafficOptions options, RunContext run, Connector connector)
    {
        _options = options;
        _run = run;
        _connector = connector;
        Grpc = options.Client == TrafficClient.Grpc;
        Outcomes = new HttpOutcomes(Name(options.Client));
        var target = TrafficOptions.ParseAddresses(options.Address)[0];
        var authority = target.Host.Length == 0 ? $"localhost:{target.Port}" : target.ToString();
        _uri = new Uri($"{(options.Tls ? "https" : "http")}://{authority}{(Grpc ? GrpcHealthCheck.Path : options.HttpPath)}");
        _version = options.Client == TrafficClient.Http ? HttpVersion.Version11 : HttpVersion.Version20;
        _method = Grpc ? HttpMethod.Post : HttpMethod.Get;
        _success = options.SuccessStatusCodes;
        HostHeader = options.HostHeader;
        _trust = options.TlsTrust is { } roots ? [.. roots] : null;
    }

    public HttpOutcomes Outcomes { get; }

    public bool Grpc { get; }

    public string HostHeader { get; }

    /// <summary>Whether the run is stopping: an error then is the run's own doing, not the server's.</summary>
    public bool Stopping => _run.Stop.IsCancellationRequested;

    /// <summary>The run's timestamp now.</summary>
    public long Timestamp() => _run.Time.GetTimestamp();

    /// <summary>The client type as the command names it.</summary>
    public static string Name(TrafficClient client) => client switch
    {
        TrafficClient.Http => "http",
        TrafficClient.Http2 => "h2",
        TrafficClient.Grpc => "grpc",
        _ => "echo",
    };

    /// <summary>The exchange of a lane's new connection <paramref name="conn"/> on <paramref name="socket"/>.</summary>
    public HttpExchange Exchange(Socket socket, ConnectionState conn, Lane lane, int packetSize)
    {
        var wire = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            EnableMultipleHttp2Connections = false,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectTimeout = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        if (_trust is { } trust)
        {
            wire.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => TlsTrust.Accepts(trust, certificate, errors);
        }

        // Without handlers of the test, an attempt on the wire is a request: the exchange counts
        // it, and no handler stands between it and the wire (one async layer less per request).
        WireCounter? counter = null;
        HttpMessageHandler handler = wire;
        if (_options.HttpHandler is { } wrap)
        {
            counter = new WireCounter(wire, Outcomes);
            handler = wrap(counter) ?? throw new InvalidOperationException($"{nameof(TrafficOptions.HttpHandler)} returned null");
        }

        return new HttpExchange(this, wire, counter, handler, socket, conn, lane, packetSize, _run.Recorder);
    }

    /// <summary>A new request.</summary>
    public HttpRequestMessage NewRequest()
    {
        var request = new HttpRequestMessage(_method, _uri) { Version = _version, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        if (Grpc)
        {
            request.Content = new ByteArrayContent(GrpcHealthCheck.Request) { Headers = { ContentType = GrpcContentType } };
            request.Headers.TE.Add(Trailers);
        }

        return request;
    }

    /// <summary>Whether <paramref name="status"/> is a success.</summary>
    public bool IsSuccess(int status) => _success?.Contains(status) ?? status is >= 200 and <= 299;

    /// <summary>
    /// The lane's HTTP client wants a new connection: the server closed <paramref name="old"/>
    /// between requests. That slot ends without an error (closed by the server, not lost), and a new
    /// slot is connected as after a failure — but at once, and not held to the 2-second rule: an
    /// HTTP client re-makes such a connection for the request waiting, it is no re-connect after a loss.
    /// </summary>
    /// <exception cref="RunEndedException">The run stopped or its time is up, or its connection slots are used up.</exception>
    /// <param name="old">The slot of the connection that ended.</param>
    /// <param name="oldSocket">Its socket (for its final retransmits).</param>
    /// <param name="lane">The lane.</param>
    /// <param name="lost">
    /// The error text when the connection broke with a request in flight that a handler of the test
    /// then retried: a lost connection (failed, as after a failed request), not one closed by the server.
    /// </param>
    /// <param name="kind">How it ended.</param>
    public async ValueTask<(ConnectionState Conn, Socket Socket)> RemakeAsync(ConnectionState old, Socket oldSocket, Lane lane, string? lost, ConnectionEndKind kind)
    {
        var now = _run.Time.GetTimestamp();
        if (TcpInfo.TotalRetransmits(oldSocket) is { } retransmits)
        {
            old.Retransmits = retransmits;
            _run.Recorder.Retransmits(old, retransmits, now);
        }

        // Not the recorder's Ended: the request in flight is not lost with this connection but
        // sent on the next, and stays the lane's packet in flight until its answer is counted.
        old.Error = lost;
        old.EndKind = kind;
        old.EndedTicks = _run.Clock.Since(now);
        old.Phase = ConnectionPhase.Ended;
        if (lost is null)
        {
            Outcomes.ClosedByServer();
        }
        else
        {
            _run.Recorder.Failed(old, now);
        }

        _connector.Release(lane);
        if (Stopping)
        {
            throw new RunEndedException("the run stopped");
        }

        var conn = _run.Recorder.Open(lane.Index, now);
        if (conn is null)
        {
            _run.RequestStop(TrafficEndReason.TooManyReconnects);
            throw new RunEndedException("too many re-connects");
        }

        lane.Connections++;
        var socket = await _connector.ConnectAsync(conn, lane).ConfigureAwait(false);
        if (socket is null)
        {
            _run.Recorder.Ended(conn, null, conn.ConnectKind == ConnectionEndKind.Open ? ConnectionEndKind.Stopped : conn.ConnectKind, _connector.GaveUpAt(_run.Time.GetTimestamp()));
            throw new RunEndedException("the run stopped");
        }

        return (conn, socket);
    }
}
