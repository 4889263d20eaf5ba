using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Ctraffic.Testing.Faults.Internal;

namespace Ctraffic.Testing.Relay;

/// <summary>
/// A relay's UDP side: one socket on the relay's port, and per client source a
/// <see cref="UdpSession"/> with its own socket to the server. Sessions are bounded (a datagram
/// from a new source beyond the bound is dropped) and closed after an idle time by one sweep
/// timer for all of them. A session whose server refuses (an ICMP port unreachable: the server is
/// gone) is closed at once, so that the client's next datagram opens a new one, picked again.
/// </summary>
internal sealed class UdpRelay : IDisposable
{
    /// <summary>The largest UDP payload.</summary>
    public const int MaxDatagram = 65_535;

    private readonly RelaySettings _settings;
    private readonly Func<long> _nextId;
    private readonly Socket _socket;
    private readonly Func<IPEndPoint, CancellationToken, ValueTask<(IPEndPoint Server, RelayTarget Target)>> _server;
    private readonly int _maxSessions;
    private readonly long _idleTicks;
    private readonly ConcurrentDictionary<IPEndPoint, UdpSession> _sessions = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ITimer _sweep;
    private int _disposed;

    /// <param name="settings">The relay's clock, bounds, counters and faults.</param>
    /// <param name="nextId">Numbers a new session (a fraction of connections is drawn from it).</param>
    /// <param name="socket">The bound socket the relay now owns.</param>
    /// <param name="server">Where a new session of a client source sends, and the target it belongs to: picked by the owner's policy, resolved without blocking.</param>
    /// <param name="maxSessions">Sessions at most.</param>
    /// <param name="idleTimeout">A session idle this long is closed.</param>
    public UdpRelay(RelaySettings settings, Func<long> nextId, Socket socket, Func<IPEndPoint, CancellationToken, ValueTask<(IPEndPoint Server, RelayTarget Target)>> server, int maxSessions, TimeSpan idleTimeout)
    {
        _settings = settings;
        _nextId = nextId;
        _socket = socket;
        _server = server;
        _maxSessions = maxSessions;
        _idleTicks = Fault.Ticks(idleTimeout, settings.Time);
        var period = idleTimeout / 2;
        _sweep = settings.Time.CreateTimer(static state => ((UdpRelay)state!).Sweep(), this, period, period);
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
                if (!_sessions.TryGetValue(client, out var session) && (session = await OpenAsync(client, got.ReceivedBytes, ct).ConfigureAwait(false)) is null)
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

    private async ValueTask<UdpSession?> OpenAsync(IPEndPoint client, int length, CancellationToken ct)
    {
        var counters = _settings.Counters;
        var id = _nextId();
        if (_sessions.Count >= _maxSessions || FaultPlanner.Refuses(_settings.Faults(), id))
        {
            Interlocked.Increment(ref counters.Refused);
            Interlocked.Add(ref counters.UpstreamRead, length);
            Interlocked.Add(ref counters.Swallowed, length);
            return null;
        }

        UdpSession session;
        try
        {
            var (server, target) = await _server(client, ct).ConfigureAwait(false);
            session = new UdpSession(_settings, id, _socket, client, server, target, Forget);
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

    /// <summary>Closes every session to <paramref name="target"/> (removed from a balancer's pool): the clients' next datagrams open new ones elsewhere.</summary>
    public void CloseSessionsTo(RelayTarget target)
    {
        foreach (var session in _sessions.Values)
        {
            if (session.Target == target)
            {
                Forget(session);
            }
        }
    }

    private void Forget(UdpSession session)
    {
        if (_sessions.TryRemove(new KeyValuePair<IPEndPoint, UdpSession>(session.Client, session)))
        {
            session.Close();
        }
    }

    private void Sweep()
    {
        var idleSince = _settings.Time.GetTimestamp() - _idleTicks;
        foreach (var (client, session) in _sessions)
        {
            if (session.LastActive < idleSince && _sessions.TryRemove(new KeyValuePair<IPEndPoint, UdpSession>(client, session)))
            {
                session.Close();
            }
        }
    }
}
