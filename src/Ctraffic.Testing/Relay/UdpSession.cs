using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Ctraffic.Testing.Faults.Internal;

namespace Ctraffic.Testing.Relay;

/// <summary>
/// One UDP client source: a socket connected to the server (so the server sees one peer per
/// client, and its replies come back on this socket only), and a <see cref="DelayLine"/> each
/// way. Datagrams the faults keep are queued; a full queue drops them, as a router does. A refusal
/// from the server (it is gone) ends the session (<c>refused</c>).
/// </summary>
internal sealed class UdpSession : IDisposable
{
    private readonly RelaySettings _settings;
    private readonly Socket _listener;
    private readonly Socket _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly DelayLine _up;
    private readonly DelayLine _down;
    private readonly FlowState _upFlow;
    private readonly FlowState _downFlow;
    private readonly Action<UdpSession> _refused;
    private long _lastActive;
    private int _closed;

    public UdpSession(RelaySettings settings, long id, Socket listener, IPEndPoint client, IPEndPoint server, RelayTarget target, Action<UdpSession> refused)
    {
        _settings = settings;
        _listener = listener;
        Client = client;
        Target = target;
        _refused = refused;
        _server = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            _server.Connect(server);
        }
        catch
        {
            _server.Dispose();
            throw;
        }

        var counters = settings.Counters;
        _up = new DelayLine(settings, (m, ct) => SendAsync(_server, m, ct), n => Interlocked.Add(ref counters.UpstreamWritten, n));
        _down = new DelayLine(settings, (m, ct) => SendToAsync(_listener, m, Client, ct), n => Interlocked.Add(ref counters.DownstreamWritten, n));
        _upFlow = new FlowState(id, udp: true, FaultDirection.Upstream);
        _downFlow = new FlowState(id, udp: true, FaultDirection.Downstream);
        _lastActive = settings.Time.GetTimestamp();
    }

    /// <summary>The client source this session serves.</summary>
    public IPEndPoint Client { get; }

    /// <summary>The target (a balancer's backend, a proxy's upstream address) the session was picked for.</summary>
    public RelayTarget Target { get; }

    /// <summary>Timestamp of the last datagram either way.</summary>
    public long LastActive => Volatile.Read(ref _lastActive);

    /// <summary>Starts the writers and the loop that reads the server's replies.</summary>
    public void Start()
    {
        _ = RunAsync(_up.RunAsync(_stop.Token));
        _ = RunAsync(_down.RunAsync(_stop.Token));
        _ = RunAsync(ReceiveAsync(_stop.Token));
    }

    /// <summary>A datagram from the client, in a rented buffer the session now owns.</summary>
    public void FromClient(byte[] buffer, int length) => Pass(buffer, length, _upFlow, _up);

    /// <summary>Closes the session (<see cref="Close"/>).</summary>
    public void Dispose() => Close();

    /// <summary>Stops the session and closes its socket. Calling it again does nothing.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _stop.Cancel();
            _up.Complete();
            _down.Complete();
            _server.Dispose();
        }
    }

    private static async ValueTask SendAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        try
        {
            await socket.SendAsync(data, SocketFlags.None, ct).ConfigureAwait(false);
        }
        catch (SocketException ex) when (UdpRelay.IsTransient(ex))
        {
            // An ICMP error of an earlier datagram (the server was down): this one is lost, as on a network.
        }
    }

    private static async ValueTask SendToAsync(Socket socket, ReadOnlyMemory<byte> data, IPEndPoint to, CancellationToken ct)
    {
        try
        {
            await socket.SendToAsync(data, SocketFlags.None, to, ct).ConfigureAwait(false);
        }
        catch (SocketException ex) when (UdpRelay.IsTransient(ex))
        {
        }
    }

    private static async Task RunAsync(Task loop)
    {
        try
        {
            await loop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The session was closed.
        }
    }

    private void Pass(byte[] buffer, int length, FlowState flow, DelayLine line)
    {
        var time = _settings.Time;
        var counters = _settings.Counters;
        var now = time.GetTimestamp();
        Volatile.Write(ref _lastActive, now);
        Interlocked.Add(ref flow.Direction == FaultDirection.Upstream ? ref counters.UpstreamRead : ref counters.DownstreamRead, length);
        var plan = FaultPlanner.Plan(_settings.Faults(), flow, length, now, time);
        if (plan.Verdict != Verdict.Forward || !line.TryEnqueue(new Chunk(buffer, length, plan.Due, 0, 0)))
        {
            if (plan.Verdict != Verdict.Forward)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            Interlocked.Add(ref counters.Swallowed, length);
        }
    }

    private async Task ReceiveAsync(CancellationToken ct)
    {
        while (true)
        {
            int n;
            byte[] receive;
            try
            {
                // Wait for a datagram before taking a buffer (a peek does not consume it): an idle session holds none.
                await _server.ReceiveAsync(Memory<byte>.Empty, SocketFlags.Peek, ct).ConfigureAwait(false);
                receive = ArrayPool<byte>.Shared.Rent(UdpRelay.MaxDatagram);
                try
                {
                    n = await _server.ReceiveAsync(receive, SocketFlags.None, ct).ConfigureAwait(false);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(receive);
                    throw;
                }
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
            {
                // The server is gone: a new session, picked again, serves the client's next datagram.
                _refused(this);
                return;
            }
            catch (SocketException ex) when (UdpRelay.IsTransient(ex))
            {
                continue;
            }

            var copy = ArrayPool<byte>.Shared.Rent(n);
            receive.AsSpan(0, n).CopyTo(copy);
            ArrayPool<byte>.Shared.Return(receive);
            Pass(copy, n, _downFlow, _down);
        }
    }
}
