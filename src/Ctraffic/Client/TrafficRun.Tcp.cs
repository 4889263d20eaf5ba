using System.Net;
using System.Net.Sockets;
using System.Text;
using Ctraffic.Client.Recording;
using Ctraffic.Internal;

namespace Ctraffic.Client;

/// <content>The TCP connection: connect with back-off, then paced packets and their echoes.</content>
public sealed partial class TrafficRun
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// TCP handshakes in flight at once. Thousands of lanes starting together would otherwise
    /// send SYNs faster than a server accepts them: its queues overflow, and connects and first
    /// echoes time out — failures the test made itself. Bounded, connects go at the pace the
    /// server accepts them (well under its SYN and accept queues: 2 048 and 4 096 by default).
    /// </summary>
    private const int MaxPendingConnects = 512;

    private readonly SemaphoreSlim _connectSlots = new(MaxPendingConnects);

    /// <summary>
    /// Cancelled when the run stops or its time is up (by the heartbeat): a lane still waiting for
    /// a connect slot then gives up instead of connecting after the end.
    /// </summary>
    private readonly CancellationTokenSource _connectsEnd = new();

    /// <summary>
    /// Makes the lane's socket — a TCP connection, or a UDP socket connected to the server — bound
    /// to a source address if there is a provider; retries with back-off. <see langword="null"/>
    /// when the run stops, the 2-second rule applies, or the source addresses ran out.
    /// </summary>
    private async Task<Socket?> ConnectAsync(ConnectionState conn, Lane lane)
    {
        var udp = _options.Protocol == TrafficProtocol.Udp;
        var backoff = FirstBackoff;
        while (true)
        {
            if (_stop.IsCancellationRequested)
            {
                return null;
            }

            IPEndPoint? local = null;
            if (_options.SourceAddresses is { } sources)
            {
                local = sources.Acquire();
                if (local is null)
                {
                    RequestStop(TrafficEndReason.OutOfSourceAddresses);
                    return null;
                }
            }

            Socket? socket = null;
            var slot = false;
            var target = _targets.Length == 1 ? _targets[0] : _targets[(int)((uint)Interlocked.Increment(ref _nextTarget) % (uint)_targets.Length)];
            string remoteText = target.ToString();
            try
            {
                var remote = await ResolveAsync(target).ConfigureAwait(false);
                remoteText = HostPort.Format(remote);
                if (!udp)
                {
                    // The socket is made once its connect slot is granted: lanes waiting for one
                    // hold no descriptor, and a stop ends their waits without an exception each.
                    var granted = _connectSlots.WaitAsync(_connectsEnd.Token);
                    await granted.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    if (!granted.IsCompletedSuccessfully)
                    {
                        if (local is not null)
                        {
                            _options.SourceAddresses!.Release(local);
                        }

                        return null;
                    }

                    slot = true;
                }

                socket = udp
                    ? new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
                    : new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                if (local is not null)
                {
                    socket.Bind(local);
                }

                if (udp)
                {
                    // Connect only sets the peer: replies from anywhere else are filtered by the
                    // kernel, and ICMP errors are reported on this socket.
                    socket.Connect(remote);
                }
                else
                {
                    using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
                    using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stop.Token);
                    await socket.ConnectAsync(remote, linked.Token).ConfigureAwait(false);
                    _connectSlots.Release();
                    slot = false;
                }

                conn.ConnectedTicks = SinceStart();
                conn.Local = HostPort.Format(socket.LocalEndPoint);
                conn.Remote = HostPort.Format(socket.RemoteEndPoint);
                conn.Phase = ConnectionPhase.Active;
                lane.SourceAddress = local;
                RecordConnected(lane, _time.GetTimestamp());
                return socket;
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                socket?.Dispose();
                if (local is not null)
                {
                    _options.SourceAddresses!.Release(local);
                }

                if (_stop.IsCancellationRequested)
                {
                    return null;
                }

                conn.FailedConnects++;
                conn.Error = null;
                LastError = udp
                    ? $"dial udp {remoteText}: " + GoErrors.Reason(ex)
                    : $"dial tcp {remoteText}: " + (ex is OperationCanceledException ? GoErrors.Timeout : "connect: " + GoErrors.Reason(ex));
                Interlocked.Increment(ref _failedConnects);
            }
            finally
            {
                if (slot)
                {
                    _connectSlots.Release();
                }
            }

            if (_time.GetTimestamp() >= _lateConnectTs)
            {
                return null;
            }

            if (!await _pacer.DelayUntilAsync(lane.Waiter, _time.GetTimestamp() + ToTicks(backoff)).ConfigureAwait(false))
            {
                return null;
            }

            backoff = backoff * 2 < _options.MaxConnectBackoff ? backoff * 2 : _options.MaxConnectBackoff;
        }
    }

    private async ValueTask<IPEndPoint> ResolveAsync(HostPort target)
    {
        if (target.IPAddress is { } ip)
        {
            return new IPEndPoint(ip, target.Port);
        }

        var host = target.Host.Length == 0 ? "localhost" : target.Host;
        var addresses = await Dns.GetHostAddressesAsync(host, _stop.Token).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        return new IPEndPoint(addresses[0], target.Port);
    }

    /// <summary>Runs packets on a connected socket; <see langword="true"/> if the connection failed.</summary>
    private async Task<bool> PumpAsync(ConnectionState conn, Lane lane, Socket socket)
    {
        var size = _packetSize;
        var buffer = new byte[size];
        var io = new CancellationTokenSource();
        lane.TimedOut = false;
        lane.Io = io;
        string? error = null;
        var op = "write";
        var lasted = false;
        try
        {
            if (await StartPacingAsync(lane).ConfigureAwait(false) is not { } started)
            {
                return false;
            }

            var bucket = started;
            while (true)
            {
                var now = _time.GetTimestamp();
                if (now >= _deadlineTs)
                {
                    lasted = true;
                    break;
                }

                var due = bucket.Reserve(now, size);
                if (due >= _deadlineTs)
                {
                    lasted = await _pacer.DelayUntilAsync(lane.Waiter, _deadlineTs).ConfigureAwait(false);
                    break;
                }

                if (!await WaitForTurnAsync(lane, due, now).ConfigureAwait(false))
                {
                    break;
                }

                op = "write";
                var sentAt = _time.GetTimestamp();
                Volatile.Write(ref lane.IoDeadline, sentAt + _readTimeoutTicks);
                await socket.SendAsync(buffer, SocketFlags.None, io.Token).ConfigureAwait(false);
                CountSent(conn, lane, sentAt, ref bucket);

                op = "read";
                var got = 0;
                while (got < size)
                {
                    var n = await socket.ReceiveAsync(buffer.AsMemory(got), SocketFlags.None, io.Token).ConfigureAwait(false);
                    if (n == 0)
                    {
                        error = GoErrors.Eof;
                        break;
                    }

                    got += n;
                }

                Volatile.Write(ref lane.IoDeadline, 0);
                if (error is not null)
                {
                    break;
                }

                CountEcho(conn, lane, sentAt, buffer);
            }
        }
        catch (OperationCanceledException) when (lane.TimedOut)
        {
            error = GoErrors.Op(op, conn.Local, conn.Remote, GoErrors.Timeout);
        }
        catch (SocketException ex)
        {
            error = GoErrors.Op(op, conn.Local, conn.Remote, GoErrors.Reason(ex));
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // Aborted by the run itself: not a failure of the connection.
        }
        finally
        {
            Volatile.Write(ref lane.IoDeadline, 0);
            lane.Io = null;
            io.Dispose();
            conn.Retransmits = TcpInfo.TotalRetransmits(socket) ?? 0;
            Close(socket);
            if (lane.SourceAddress is { } local)
            {
                _options.SourceAddresses!.Release(local);
                lane.SourceAddress = null;
            }

            conn.Error = error;
            if (error is not null)
            {
                LastError = error;
            }
            conn.EndedTicks = (error is null && lasted ? _deadlineTs : _time.GetTimestamp()) - _startTs;
            conn.Phase = ConnectionPhase.Ended;
        }

        return error is not null;
    }

    /// <summary>
    /// The server's host name in its first echo: the bytes before the first NUL, at most the
    /// 64-byte handshake; none if the echo has no NUL (then it is not a ctraffic server's).
    /// </summary>
    internal static string HostName(byte[] packet)
    {
        var end = Array.IndexOf(packet, (byte)0);
        return end < 0 ? "" : Encoding.UTF8.GetString(packet, 0, Math.Min(end, Wire.HandshakeSize));
    }

    private static void Close(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        socket.Dispose();
    }
}
