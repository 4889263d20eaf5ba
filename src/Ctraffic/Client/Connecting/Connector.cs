using System.Net;
using System.Net.Sockets;
using Ctraffic.Client.Lanes;
using Ctraffic.Client.Recording;
using Ctraffic.GoCompat;
using Ctraffic.Internal;
using Ctraffic.Statistics;

namespace Ctraffic.Client.Connecting;

/// <summary>
/// Makes the sockets of a run's lanes: a TCP connection, or a UDP socket connected to the server,
/// to the next of the targets, bound to a source address if there is a provider; with back-off
/// between failed attempts and between connections that fail before their first echo; counting
/// every failed attempt. The original's 2-second rule: no (re-)connect when less than 2 s of the
/// duration remain.
/// </summary>
internal sealed class Connector : IDisposable
{
    /// <summary>The first wait after a failed connect, doubled after each one up to <see cref="TrafficOptions.MaxConnectBackoff"/>.</summary>
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan TwoSecondRule = TimeSpan.FromSeconds(2);

    /// <summary>
    /// TCP handshakes in flight at once. Thousands of lanes starting together would otherwise
    /// send SYNs faster than a server accepts them: its queues overflow, and connects and first
    /// echoes time out — failures the test made itself. Bounded, connects go at the pace the
    /// server accepts them (well under its SYN and accept queues: 2 048 and 4 096 by default).
    /// </summary>
    private const int MaxPendingConnects = 512;

    private readonly TrafficOptions _options;
    private readonly RunContext _run;
    private readonly TargetList _targets;
    private readonly long _lateConnect;
    private readonly SemaphoreSlim _connectSlots = new(MaxPendingConnects);

    /// <summary>
    /// Cancelled when the run stops or its time is up (by the heartbeat): a lane still waiting for
    /// a connect slot then gives up instead of connecting after the end.
    /// </summary>
    private readonly CancellationTokenSource _connectsEnd = new();

    /// <summary>Creates the connector of a run.</summary>
    /// <param name="options">The run's options.</param>
    /// <param name="run">What the parts of the run share (its pacer waits out the back-offs).</param>
    public Connector(TrafficOptions options, RunContext run)
    {
        _options = options;
        _run = run;
        _targets = new TargetList(options.Address);
        _lateConnect = run.Deadline == long.MaxValue ? long.MaxValue : run.Deadline - run.Clock.ToTicks(TwoSecondRule);
    }

    /// <summary>Whether less than 2 s of the duration remain at <paramref name="now"/>.</summary>
    public bool IsLate(long now) => now >= _lateConnect;

    /// <summary>Whether the lane may connect at <paramref name="now"/>: its first connect always is made (so that runs shorter than 2 s work), a re-connect not when late.</summary>
    public bool MayConnect(Lane lane, long now) => lane.Connections == 0 || !IsLate(now);

    /// <summary>When a connection that never connected ended, given up at <paramref name="now"/>: at the end of the duration if it was too late to try again.</summary>
    public long GaveUpAt(long now) => IsLate(now) && _run.Deadline != long.MaxValue ? _run.Deadline : now;

    /// <summary>Ends the waits for connect slots: the run's time is up or it stops.</summary>
    public void EndConnects()
    {
        if (_connectsEnd.IsCancellationRequested)
        {
            return;
        }

        try
        {
            _connectsEnd.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// Makes the lane's socket for <paramref name="conn"/>; retries with back-off.
    /// <see langword="null"/> when the run stops, the 2-second rule applies, or the source addresses ran out.
    /// </summary>
    public async Task<Socket?> ConnectAsync(ConnectionState conn, Lane lane)
    {
        var udp = _options.Protocol == TrafficProtocol.Udp;
        var backoff = FirstBackoff;
        while (true)
        {
            if (_run.Stop.IsCancellationRequested)
            {
                return null;
            }

            IPEndPoint? local = null;
            if (_options.SourceAddresses is { } sources)
            {
                local = sources.Acquire();
                if (local is null)
                {
                    _run.RequestStop(TrafficEndReason.OutOfSourceAddresses);
                    return null;
                }
            }

            Socket? socket = null;
            var slot = false;
            var target = _targets.Next();
            string remoteText = target.ToString();
            try
            {
                var remote = await TargetList.ResolveAsync(target, _run.Stop).ConfigureAwait(false);
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
                    using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _run.Time);
                    using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _run.Stop);
                    await socket.ConnectAsync(remote, linked.Token).ConfigureAwait(false);
                    _connectSlots.Release();
                    slot = false;
                }

                lane.SourceAddress = local;
                _run.Recorder.Connected(conn, _run.Time.GetTimestamp(), HostPort.Format(socket.LocalEndPoint), HostPort.Format(socket.RemoteEndPoint));
                return socket;
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                socket?.Dispose();
                if (local is not null)
                {
                    _options.SourceAddresses!.Release(local);
                }

                if (_run.Stop.IsCancellationRequested)
                {
                    return null;
                }

                _run.Recorder.ConnectFailed(conn, udp
                    ? $"dial udp {remoteText}: " + GoErrors.Reason(ex)
                    : $"dial tcp {remoteText}: " + (ex is OperationCanceledException ? GoErrors.Timeout : "connect: " + GoErrors.Reason(ex)),
                    EndKinds.OfConnect(ex));
            }
            finally
            {
                if (slot)
                {
                    _connectSlots.Release();
                }
            }

            if (IsLate(_run.Time.GetTimestamp()))
            {
                return null;
            }

            if (!await _run.Pacer.DelayUntilAsync(lane.Waiter, _run.Time.GetTimestamp() + _run.Clock.ToTicks(backoff)).ConfigureAwait(false))
            {
                return null;
            }

            backoff = Doubled(backoff);
        }
    }

    /// <summary>Gives back the source address of the lane's connection, which has ended.</summary>
    public void Release(Lane lane)
    {
        if (lane.SourceAddress is { } local)
        {
            _options.SourceAddresses!.Release(local);
            lane.SourceAddress = null;
        }
    }

    /// <summary>
    /// After a failed connection: one that failed before its first echo (e.g. a proxy that accepts
    /// and then resets) is re-made after the lane's back-off, not at once — no hot re-connect loop;
    /// one that had echoes resets the back-off. <see langword="false"/> once the run stops.
    /// </summary>
    public async ValueTask<bool> BackOffAsync(Lane lane, ConnectionState failed)
    {
        if (failed.Received != 0)
        {
            lane.FailBackoff = FirstBackoff;
            return true;
        }

        if (!await _run.Pacer.DelayUntilAsync(lane.Waiter, _run.Time.GetTimestamp() + _run.Clock.ToTicks(lane.FailBackoff)).ConfigureAwait(false))
        {
            return false;
        }

        lane.FailBackoff = Doubled(lane.FailBackoff);
        return true;
    }

    public void Dispose()
    {
        _connectsEnd.Dispose();
        _connectSlots.Dispose();
    }

    private TimeSpan Doubled(TimeSpan backoff) => backoff * 2 < _options.MaxConnectBackoff ? backoff * 2 : _options.MaxConnectBackoff;
}
