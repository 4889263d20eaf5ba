using System.Buffers;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Ctraffic.Testing.Faults.Internal;

/// <summary>
/// One proxied TCP connection: the client's socket, the server's, and per direction a reader
/// (zero-byte read first, so an idle connection holds no buffer; the chunk run past the faults of
/// the moment) and a <see cref="DelayLine"/> that writes. A close passes through as a half-close
/// once the bytes before it are written; a reset from either side is passed on as a reset; the
/// link ends when both directions have or at the first error. No thread of its own: four loops
/// awaiting the sockets.
/// </summary>
internal sealed class TcpLink : IDisposable
{
    private readonly FaultProxy _proxy;
    private readonly Socket _client;
    private readonly Socket _server;
    private readonly CancellationTokenSource _abort = new();
    private readonly DelayLine _up;
    private readonly DelayLine _down;
    private readonly FlowState _upFlow;
    private readonly FlowState _downFlow;
    private int _aborted;

    public TcpLink(FaultProxy proxy, long id, Socket client, Socket server)
    {
        _proxy = proxy;
        _client = client;
        _server = server;
        var counters = proxy.Counters;
        _up = new DelayLine(proxy.QueueCapacity, proxy.Time, (m, ct) => SendAllAsync(server, m, ct), n => Interlocked.Add(ref counters.UpstreamWritten, n));
        _down = new DelayLine(proxy.QueueCapacity, proxy.Time, (m, ct) => SendAllAsync(client, m, ct), n => Interlocked.Add(ref counters.DownstreamWritten, n));
        _upFlow = new FlowState(id, udp: false, FaultDirection.Upstream);
        _downFlow = new FlowState(id, udp: false, FaultDirection.Downstream);
    }

    /// <summary>Carries the connection until it ends, then closes both sockets.</summary>
    public async Task RunAsync()
    {
        var ct = _abort.Token;
        var up = PumpAsync(_client, _server, _upFlow, _up, isUp: true, ct);
        var down = PumpAsync(_server, _client, _downFlow, _down, isUp: false, ct);
        await Task.WhenAll(up, down).ConfigureAwait(false);
        _client.Dispose();
        _server.Dispose();
    }

    /// <summary>Resets the link (<see cref="Abort"/>).</summary>
    public void Dispose() => Abort(reset: true);

    /// <summary>Ends the link at once: with RST both ways (<paramref name="reset"/>) or FIN both ways.</summary>
    public void Abort(bool reset)
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
        {
            return;
        }

        foreach (var socket in (ReadOnlySpan<Socket>)[_client, _server])
        {
            try
            {
                if (reset)
                {
                    socket.LingerState = new LingerOption(true, 0);
                }
                else
                {
                    socket.Shutdown(SocketShutdown.Send);
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }
        }

        _abort.Cancel();
        // Closing the sockets ends the reads; with a zero linger time the kernel sends RST.
        _client.Dispose();
        _server.Dispose();
    }

    private static async ValueTask SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        while (!data.IsEmpty)
        {
            var n = await socket.SendAsync(data, SocketFlags.None, ct).ConfigureAwait(false);
            data = data[n..];
        }
    }

    private async Task PumpAsync(Socket from, Socket to, FlowState flow, DelayLine line, bool isUp, CancellationToken ct)
    {
        var writer = line.RunAsync(ct);
        try
        {
            await ReadAsync(from, flow, line, isUp, ct).ConfigureAwait(false);
            await writer.ConfigureAwait(false);
            // Every byte before the peer's FIN is written: pass the FIN on.
            to.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException ex)
        {
            Abort(reset: ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.TimedOut);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or ChannelClosedException)
        {
            Abort(reset: true);
        }
        finally
        {
            line.Complete();
            try
            {
                await writer.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                Abort(reset: true);
            }
        }
    }

    private async Task ReadAsync(Socket from, FlowState flow, DelayLine line, bool isUp, CancellationToken ct)
    {
        var counters = _proxy.Counters;
        var time = _proxy.Time;
        try
        {
            while (true)
            {
                // Wait for data before taking a buffer: an idle connection holds none.
                await from.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, ct).ConfigureAwait(false);
                var buffer = ArrayPool<byte>.Shared.Rent(_proxy.BufferSize);
                int n;
                try
                {
                    n = await from.ReceiveAsync(buffer, SocketFlags.None, ct).ConfigureAwait(false);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }

                if (n == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return;
                }

                Interlocked.Add(ref isUp ? ref counters.UpstreamRead : ref counters.DownstreamRead, n);
                var plan = FaultPlanner.Plan(_proxy.Snapshot, flow, n, time.GetTimestamp(), time);
                switch (plan.Verdict)
                {
                    case Verdict.Drop:
                        ArrayPool<byte>.Shared.Return(buffer);
                        Interlocked.Add(ref counters.Swallowed, n);
                        continue;
                    case Verdict.Reset or Verdict.Close:
                        ArrayPool<byte>.Shared.Return(buffer);
                        Interlocked.Increment(ref plan.Verdict == Verdict.Reset ? ref counters.Reset : ref counters.Closed);
                        Abort(reset: plan.Verdict == Verdict.Reset);
                        return;
                }

                await line.EnqueueAsync(new Chunk(buffer, n, plan.Due, plan.SliceSize, plan.SliceGap), ct).ConfigureAwait(false);
            }
        }
        finally
        {
            line.Complete();
        }
    }
}
