using System.Net.Sockets;
using Ctraffic.Client.Exchanges;
using Ctraffic.Client.Lanes;
using Ctraffic.Client.Recording;
using Ctraffic.GoCompat;
using Ctraffic.Internal;
using Ctraffic.Statistics;

namespace Ctraffic.Client.Http;

/// <summary>
/// A request on a lane's HTTP client, behind the same <see cref="PacedLoop"/> as echo packets:
/// "send" starts the request, "read" awaits its response (headers and body, within the read
/// time-out). The lane's <see cref="SocketsHttpHandler"/> gets its connections from
/// <c>ConnectCallback</c>: first the socket the run's connector made, then — when the server
/// closed that one between requests — a new connection slot (<see cref="HttpTraffic.RemakeAsync"/>),
/// so that every TCP connection is one slot with its 5-tuple and TCP_INFO retransmits. A request
/// that fails (reset, time-out, protocol error) fails the connection: the lane makes a new client.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Close disposes the client, as every exchange's Close disposes its socket.")]
internal sealed class HttpExchange : PacketExchange
{
    /// <summary>Where response bytes beyond the buffer go: shared, never read.</summary>
    private static readonly byte[] Discard = new byte[16 * 1024];

    private readonly HttpTraffic _traffic;
    private readonly Lane _lane;
    private readonly HttpMessageInvoker _invoker;
    /// <summary>The counter of attempts below the test's handlers; <see langword="null"/> without such handlers.</summary>
    private readonly WireCounter? _wire;
    private readonly TrafficRecorder _recorder;
    private Socket? _first;
    private volatile Socket _socket;
    private volatile ConnectionState _current;
    private Task<int>? _pending;
    private string? _errorStatus;

    public HttpExchange(HttpTraffic traffic, SocketsHttpHandler wire, WireCounter? counter, HttpMessageHandler handler, Socket socket, ConnectionState conn, Lane lane, int packetSize, TrafficRecorder recorder)
        : base(socket, conn, packetSize)
    {
        _traffic = traffic;
        _wire = counter;
        _lane = lane;
        _recorder = recorder;
        _first = socket;
        _socket = socket;
        _current = conn;
        wire.ConnectCallback = ConnectAsync;
        _invoker = new HttpMessageInvoker(handler, disposeHandler: true);
    }

    /// <summary>The connection slot of the lane's TCP connection now (a new one after the server closed the last).</summary>
    public override ConnectionState Current => _current;

    /// <summary>Starts the request; its time-out is the read time-out of the lane's watch.</summary>
    public override ValueTask<int> SendAsync(IoWatch io)
    {
        _pending = RequestAsync(io.Token);
        return new ValueTask<int>(0);
    }

    public override void BeginReply()
    {
    }

    /// <summary>The response: 1 for a success, 0 for an error response.</summary>
    public override ValueTask<int> ReadAsync(IoWatch io) => new(_pending!);

    /// <summary>
    /// A success is the echo; an error response is a request lost, as a datagram without reply is
    /// (the next request goes on), and its status is counted in the slice part of the request now,
    /// just before the loop counts it as lost there (the response can come before the loop has
    /// counted the request as sent).
    /// </summary>
    public override Reply? Took(int count)
    {
        if (count == 1)
        {
            return Reply.Echo;
        }

        _recorder.ErrorStatus(_current, _errorStatus ?? "?", _traffic.Timestamp());
        return Reply.Lost;
    }

    /// <summary>A request that failed: counted, and its connection lost.</summary>
    public override string Failure(string op, string reason)
    {
        _traffic.Outcomes.FailedRequest();
        var conn = _current;
        return GoErrors.Op(op, conn.Local, conn.Remote, reason);
    }

    /// <summary>What the HTTP stack throws for a request that got no response; <see langword="null"/> for the run's own cancellation.</summary>
    public override string? FailureOf(string op, Exception error)
    {
        if (error is OperationCanceledException or ObjectDisposedException)
        {
            return null;
        }

        return Failure(op, Reason(error));
    }

    public override ConnectionEndKind EndKindOf(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return EndKinds.OfConnection(socket);
            }

            if (e is HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded })
            {
                return ConnectionEndKind.PeerClosed;
            }
        }

        return ConnectionEndKind.Other;
    }

    public override void Sample(long now)
    {
        if (TcpInfo.TotalRetransmits(_socket) is { } total)
        {
            _recorder.Retransmits(_current, total, now);
        }
    }

    /// <summary>Takes the connection's final retransmit count, then closes the client and its connection.</summary>
    public override void Close()
    {
        _current.Retransmits = TcpInfo.TotalRetransmits(_socket) ?? 0;
        _invoker.Dispose();
        Interlocked.Exchange(ref _first, null)?.Dispose();
        _pending?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The text of a failure, in Go's words where it is a socket's.</summary>
    private static string Reason(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is SocketException)
            {
                return GoErrors.Reason(e);
            }

            if (e is HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded })
            {
                return GoErrors.Eof;
            }

            if (e is HttpProtocolException protocol)
            {
                return $"protocol error {protocol.ErrorCode}: {protocol.Message}";
            }
        }

        return error.InnerException is { } inner ? $"{error.Message} ({inner.Message})" : error.Message;
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _first, null) is { } first)
        {
            return new NetworkStream(first, ownsSocket: true);
        }

        var old = _current;
        var failure = _wire?.TakeFailure();
        var lost = failure is null ? null : GoErrors.Op("read", old.Local, old.Remote, Reason(failure));
        var (conn, socket) = await _traffic.RemakeAsync(old, _socket, _lane, lost, failure is null ? ConnectionEndKind.PeerClosed : EndKindOf(failure)).ConfigureAwait(false);
        _socket = socket;
        _current = conn;
        return new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>Sends one request and reads its response whole: 1 for a success, 0 for an error response.</summary>
    private async Task<int> RequestAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var request = _traffic.NewRequest();
            if (_wire is null)
            {
                _traffic.Outcomes.WireAttempt();
            }

            HttpResponseMessage sent;
            try
            {
                sent = await _invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (_wire is null && _traffic.Outcomes.WireFailed(ex))
            {
                // No handler of the test: the request was the one attempt on the wire, counted here.
                throw;
            }

            using var response = sent;
            var got = 0;
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                int n;
                while ((n = await body.ReadAsync(got < Buffer.Length ? Buffer.AsMemory(got) : Discard, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    got = Math.Min(Buffer.Length, got + n);
                }
            }

            var conn = _current;
            if (conn.Host.Length == 0 && response.Headers.TryGetValues(_traffic.HostHeader, out var hosts) && hosts.FirstOrDefault() is { Length: > 0 } host)
            {
                _recorder.Served(conn, host);
            }

            var (code, status, success) = Outcome(response, got);

            // The loop takes a host name from the start of an echo that has none yet: a body is no echo.
            Buffer[0] = 0;
            if (status is null)
            {
                _traffic.Outcomes.Status(code);
            }
            else
            {
                _traffic.Outcomes.Status(status);
            }

            if (!success)
            {
                _traffic.Outcomes.ErrorResponse();
                _errorStatus = status ?? HttpOutcomes.Text(code);
            }

            return success ? 1 : 0;
        }
        catch (Exception ex) when (_traffic.Stopping || RunEndedException.IsIn(ex))
        {
            throw new OperationCanceledException("the run stopped");
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Not the read time-out nor the run: a handler of the test gave up (its own time-out).
            throw new HttpRequestException($"cancelled by a handler: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The status a response is counted by, and whether it is a success: its HTTP status code, or
    /// for gRPC the text of its gRPC status (<see langword="null"/> where the code is the status).
    /// </summary>
    private (int Code, string? Status, bool Success) Outcome(HttpResponseMessage response, int got)
    {
        var code = (int)response.StatusCode;
        if (!_traffic.Grpc)
        {
            return (code, null, _traffic.IsSuccess(code));
        }

        if (code != 200)
        {
            return (code, null, false);
        }

        var grpcStatus = response.TrailingHeaders.TryGetValues("grpc-status", out var t) ? t.FirstOrDefault()
            : response.Headers.TryGetValues("grpc-status", out var h) ? h.FirstOrDefault() : null;
        if (grpcStatus != "0")
        {
            return (code, $"grpc {grpcStatus ?? "no status"}", false);
        }

        return GrpcHealthCheck.Status(Buffer.AsSpan(0, got)) switch
        {
            GrpcHealthCheck.Serving => (code, "grpc SERVING", true),
            0 => (code, "grpc UNKNOWN", false),
            2 => (code, "grpc NOT_SERVING", false),
            3 => (code, "grpc SERVICE_UNKNOWN", false),
            _ => (code, "grpc bad response", false),
        };
    }
}
