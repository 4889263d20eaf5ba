using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Ctraffic.Testing.Faults.Internal;

/// <summary>
/// The proxy's UDP side: one socket on the proxy's port, and per client source a
/// <see cref="UdpSession"/> with its own socket to the server. Sessions are bounded (a datagram
/// from a new source beyond the bound is dropped) and closed after an idle time by one sweep
/// timer for all of them.
/// </summary>
internal sealed class UdpRelay : IDisposable
{
    /// <summary>The largest UDP payload.</summary>
    public const int MaxDatagram = 65_535;

    private readonly FaultProxy _proxy;
    private readonly Socket _socket;
    private readonly Func<IPEndPoint> _server;
    private readonly int _maxSessions;
    private readonly long _idleTicks;
    private readonly ConcurrentDictionary<IPEndPoint, UdpSession> _sessions = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ITimer _sweep;
    private int _disposed;

    public UdpRelay(FaultProxy proxy, Socket socket, Func<IPEndPoint> server, int maxSessions, TimeSpan idleTimeout)
    {
        _proxy = proxy;
        _socket = socket;
        _server = server;
        _maxSessions = maxSessions;
        _idleTicks = Fault.Ticks(idleTimeout, proxy.Time);
        var period = idleTimeout / 2;
        _sweep = proxy.Time.CreateTimer(static state => ((UdpRelay)state!).Sweep(), this, period, period);
        // The loop ends when the socket is closed; it returns its buffer itself.
        _ = ReceiveAsync(_stop.Token);
    }

    public int Sessions => _sessions.Count;

    public static bool IsTransient(SocketException ex)
        => ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.MessageSize;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        _sweep.Dispose();
        _socket.Dispose();
        foreach (var session in _sessions.Values)
        {
            session.Close();
        }

        _sessions.Clear();
        _stop.Dispose();
    }

    private async Task ReceiveAsync(CancellationToken ct)
    {
        await Task.Yield();
        var receive = ArrayPool<byte>.Shared.Rent(MaxDatagram);
        var any = new IPEndPoint(IPAddress.Any, 0);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                SocketReceiveFromResult got;
                try
                {
                    got = await _socket.ReceiveFromAsync(receive, SocketFlags.None, any, ct).ConfigureAwait(false);
                }
                catch (SocketException ex) when (IsTransient(ex))
                {
                    continue;
                }

                var client = (IPEndPoint)got.RemoteEndPoint;
                if (!_sessions.TryGetValue(client, out var session) && (session = Open(client, got.ReceivedBytes)) is null)
                {
                    continue;
                }

                var copy = ArrayPool<byte>.Shared.Rent(got.ReceivedBytes);
                receive.AsSpan(0, got.ReceivedBytes).CopyTo(copy);
                session.FromClient(copy, got.ReceivedBytes);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Disposed.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(receive);
        }
    }

    private UdpSession? Open(IPEndPoint client, int length)
    {
        var counters = _proxy.Counters;
        var id = _proxy.NextConnection();
        if (_sessions.Count >= _maxSessions || FaultPlanner.Refuses(_proxy.Snapshot, id))
        {
            Interlocked.Increment(ref counters.Refused);
            Interlocked.Add(ref counters.UpstreamRead, length);
            Interlocked.Add(ref counters.Swallowed, length);
            return null;
        }

        UdpSession session;
        try
        {
            session = new UdpSession(_proxy, id, _socket, client, _server());
        }
        catch (SocketException)
        {
            Interlocked.Add(ref counters.UpstreamRead, length);
            Interlocked.Add(ref counters.Swallowed, length);
            return null;
        }

        _sessions[client] = session;
        if (Volatile.Read(ref _disposed) != 0)
        {
            // Disposed meanwhile: the sweep of the sessions may have missed this one.
            _sessions.TryRemove(client, out _);
            session.Close();
            return null;
        }

        session.Start();
        return session;
    }

    private void Sweep()
    {
        var idleSince = _proxy.Time.GetTimestamp() - _idleTicks;
        foreach (var (client, session) in _sessions)
        {
            if (session.LastActive < idleSince && _sessions.TryRemove(new KeyValuePair<IPEndPoint, UdpSession>(client, session)))
            {
                session.Close();
            }
        }
    }
}
