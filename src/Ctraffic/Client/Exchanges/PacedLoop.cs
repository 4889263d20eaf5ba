using System.Net.Sockets;
using Ctraffic.Client.Lanes;
using Ctraffic.Client.Recording;
using Ctraffic.GoCompat;
using Ctraffic.Internal;
using Ctraffic.Statistics;

namespace Ctraffic.Client.Exchanges;

/// <summary>
/// The packets of one connection, for both protocols: wait for the packet's turn (token bucket
/// and <see cref="Pacer"/>), send it, count it and the packets dropped by the original's rule,
/// then wait for its reply, up to the read time-out. The <see cref="PacketExchange"/> does the
/// socket calls. One instance per run; nothing allocated per packet.
/// </summary>
internal sealed class PacedLoop
{
    private readonly TimeProvider _time;
    private readonly RunClock _clock;
    private readonly long _deadline;
    private readonly Pacer _pacer;
    private readonly TrafficRecorder _recorder;
    private readonly CancellationToken _stop;
    private readonly int _packetSize;
    private readonly double _bytesPerSecond;
    private readonly long _intervalTicks;
    private readonly long _readTimeoutTicks;
    private readonly long _timerTickTicks;

    /// <summary>Creates the loop of a run.</summary>
    /// <param name="run">What the parts of the run share.</param>
    /// <param name="packetSize">Bytes of a packet.</param>
    /// <param name="bytesPerSecond">The rate of one connection.</param>
    /// <param name="intervalTicks">Ticks between two packets of one connection.</param>
    /// <param name="readTimeoutTicks">How long a reply is awaited.</param>
    public PacedLoop(RunContext run, int packetSize, double bytesPerSecond, long intervalTicks, long readTimeoutTicks)
    {
        _time = run.Time;
        _clock = run.Clock;
        _deadline = run.Deadline;
        _pacer = run.Pacer;
        _recorder = run.Recorder;
        _stop = run.Stop;
        _packetSize = packetSize;
        _bytesPerSecond = bytesPerSecond;
        _intervalTicks = intervalTicks;
        _readTimeoutTicks = readTimeoutTicks;
        _timerTickTicks = run.Clock.ToTicks(TimeSpan.FromMilliseconds(1));
    }

    /// <summary>
    /// Runs packets on the connected socket of <paramref name="exchange"/> until the run's
    /// duration is up, the run stops or the connection fails; then closes it and records its end.
    /// </summary>
    /// <returns><see langword="true"/> if the connection failed (not for lost UDP packets).</returns>
    public async Task<bool> RunAsync(Lane lane, ConnectionState conn, PacketExchange exchange)
    {
        var io = lane.Io;
        io.Open();
        string? error = null;
        var kind = ConnectionEndKind.Stopped;
        var op = "write";
        try
        {
            if (await StartPacingAsync(lane).ConfigureAwait(false) is not { } started)
            {
                return false;
            }

            var bucket = started;
            while (true)
            {
                conn = exchange.Current;
                if (Volatile.Read(ref conn.EndSeenAt) != 0)
                {
                    // The end watch saw a FIN or RST between packets: read it now, not at the next packet.
                    op = "read";
                    await ReadEndAsync(exchange, io).ConfigureAwait(false);
                    (error, kind) = (GoErrors.Eof, ConnectionEndKind.PeerClosed);
                    break;
                }

                var now = _time.GetTimestamp();
                if (now >= _deadline)
                {
                    kind = ConnectionEndKind.Completed;
                    break;
                }

                var due = bucket.Reserve(now, _packetSize);
                if (due >= _deadline)
                {
                    if (await _pacer.DelayUntilAsync(lane.Waiter, _deadline).ConfigureAwait(false))
                    {
                        // Woken by the end watch before the end of the run: read the end.
                        if (Volatile.Read(ref conn.EndSeenAt) != 0 && _time.GetTimestamp() < _deadline)
                        {
                            continue;
                        }

                        kind = ConnectionEndKind.Completed;
                    }

                    break;
                }

                if (!await WaitForTurnAsync(lane, due, now).ConfigureAwait(false))
                {
                    break;
                }

                if (Volatile.Read(ref conn.EndSeenAt) != 0)
                {
                    continue;
                }

                exchange.Prepare();
                op = "write";
                var sentAt = _time.GetTimestamp();
                var replyDeadline = sentAt + _readTimeoutTicks;
                io.Arm(replyDeadline);
                await exchange.SendAsync(io).ConfigureAwait(false);
                CountSent(conn, lane, sentAt, ref bucket);

                op = "read";
                Reply? reply = null;
                exchange.BeginReply();
                while (reply is null)
                {
                    try
                    {
                        reply = exchange.Took(await exchange.ReadAsync(io).ConfigureAwait(false));
                    }
                    catch (Exception ex) when (exchange.Recovers(ex, io, replyDeadline, out var recovered))
                    {
                        reply = recovered;
                    }
                }

                io.Disarm();
                if (reply == Reply.Closed)
                {
                    (error, kind) = (GoErrors.Eof, ConnectionEndKind.PeerClosed);
                    break;
                }

                if (reply == Reply.Lost)
                {
                    _recorder.Lost(conn, _time.GetTimestamp());
                    continue;
                }

                var echoedAt = _time.GetTimestamp();
                if (conn.Host.Length == 0)
                {
                    _recorder.Served(conn, ServerReply.HostName(exchange.Buffer));
                }

                _recorder.Echoed(conn, sentAt, echoedAt);
            }
        }
        catch (OperationCanceledException) when (io.TimedOut)
        {
            // A TCP read or write past the read time-out (UDP gives up such a datagram as lost).
            (error, kind) = (exchange.Failure(op, GoErrors.Timeout), ConnectionEndKind.ReadTimeout);
        }
        catch (SocketException ex)
        {
            (error, kind) = (exchange.Failure(op, GoErrors.Reason(ex)), EndKinds.OfConnection(ex));
        }
        catch (Exception ex) when (exchange.FailureOf(op, ex) is { } failure)
        {
            (error, kind) = (failure, exchange.EndKindOf(ex));
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // Aborted by the run itself: not a failure of the connection.
        }
        finally
        {
            conn = exchange.Current;
            io.Close();
            exchange.Close();
            var now = _time.GetTimestamp();
            var seen = Volatile.Read(ref conn.EndSeenAt);
            var endedAt = kind == ConnectionEndKind.Completed ? _deadline
                : error is not null && seen != 0 ? Math.Min(seen, now)
                : now;
            _recorder.Ended(conn, error, kind, endedAt);
        }

        return error is not null;
    }

    /// <summary>
    /// Reads the end the watch saw on the socket: end of stream (a FIN; unexpected bytes before it
    /// are read past), or the socket's error (a RST) thrown as it is; up to the read time-out.
    /// </summary>
    private async ValueTask ReadEndAsync(PacketExchange exchange, IoWatch io)
    {
        io.Arm(_time.GetTimestamp() + _readTimeoutTicks);
        exchange.BeginReply();
        while (exchange.Took(await exchange.ReadAsync(io).ConfigureAwait(false)) != Reply.Closed)
        {
            exchange.BeginReply();
        }

        io.Disarm();
    }

    /// <summary>
    /// Waits for the first packet of a connection and returns its token bucket, holding that
    /// packet; <see langword="null"/> once the run stops. The first connection of a lane sends at
    /// the lane's place in the spread; a re-connect sends at once. A first connection that is late
    /// for its place (a slow connect, a SYN retry) gets the part of an interval it is late as
    /// tokens, so its next packet is back at its place: lanes that connected late together do
    /// not send together for the run.
    /// </summary>
    private async ValueTask<TokenBucket?> StartPacingAsync(Lane lane)
    {
        var place = _clock.Start + lane.FirstPacketOffset;
        var first = Math.Min(Math.Max(_time.GetTimestamp(), lane.Connections == 1 ? place : 0), _deadline);
        if (!await _pacer.DelayUntilAsync(lane.Waiter, first).ConfigureAwait(false))
        {
            return null;
        }

        var start = _time.GetTimestamp();
        var late = lane.Connections == 1 && _intervalTicks > 0 ? Math.Max(0, start - place) % _intervalTicks : 0;
        var credit = late * _bytesPerSecond / _clock.Frequency;
        return new TokenBucket(_bytesPerSecond, _packetSize * 10.0, start, _clock.Frequency, initialTokens: _packetSize + credit);
    }

    /// <summary>
    /// Waits until a packet's turn; <see langword="false"/> once the run stops. A turn less than
    /// a timer tick away is taken at once: the bucket has already reserved it, so the rate holds,
    /// and high rates are not held to one packet per timer tick. Not an async method: thousands
    /// of lanes wait at once, and a state machine box per wait would be an allocation per packet.
    /// How late the sender woke is recorded by <see cref="CountSent"/>.
    /// </summary>
    private ValueTask<bool> WaitForTurnAsync(Lane lane, long due, long now)
    {
        if (due - now < _timerTickTicks)
        {
            lane.WaitedFor = 0;
            return new ValueTask<bool>(!_stop.IsCancellationRequested);
        }

        lane.WaitedFor = due;
        return _pacer.DelayUntilAsync(lane.Waiter, due);
    }

    /// <summary>A packet written at <paramref name="sentAt"/>; then the original's drop rule: every whole packet's worth of tokens already in the bucket is dropped.</summary>
    private void CountSent(ConnectionState conn, Lane lane, long sentAt, ref TokenBucket bucket)
    {
        if (lane.WaitedFor != 0)
        {
            _recorder.Woke(conn, lane.WaitedFor, sentAt);
        }

        _recorder.Sent(conn, sentAt);
        var now = _time.GetTimestamp();
        var dropped = 0;
        while (bucket.TryTake(now, _packetSize))
        {
            dropped++;
        }

        if (dropped > 0)
        {
            _recorder.Dropped(conn, now, dropped);
        }
    }
}
