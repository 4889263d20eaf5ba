using System.Buffers;
using System.Net.Sockets;
using System.Threading.Channels;
using Ctraffic.Testing.Faults.Internal;

namespace Ctraffic.Testing.Relay;

/// <summary>
/// One relayed TCP connection — the client's socket and the server's — for the balancer and the
/// fault proxy alike: per direction one loop on the socket engine (no thread of its own) that
/// waits with a zero-byte receive before it rents a buffer, so an idle connection holds none.
/// With no fault on (always for a plain balancer), a chunk is written straight on, as lean as a
/// copy loop can be; while faults are on, each chunk is run past them (<see cref="FaultPlanner"/>),
/// and one they delay or slice is queued in a <see cref="DelayLine"/> made for the direction, which
/// writes it at its due time. A chunk the faults leave as it is, with nothing queued before it,
/// is written straight on again (never overtaking a queued chunk). A FIN passes through as a half-close once the bytes before it are
/// written; a reset or any failure on one side is passed on as a reset of both.
/// </summary>
internal sealed class TcpRelay : IDisposable
{
    private readonly Socket _client;
    private readonly Socket _server;
    private readonly RelaySettings _settings;
    private readonly long _id;
    private readonly CancellationTokenSource _abort = new();
    private int _aborted;

    public TcpRelay(Socket client, Socket server, RelaySettings settings, long id)
    {
        _client = client;
        _server = server;
        _settings = settings;
        _id = id;
    }

    /// <summary>Relays until both directions are closed or the relay is aborted; then closes both sockets.</summary>
    public async Task RunAsync()
    {
        var ct = _abort.Token;
        var up = PumpAsync(_client, _server, up: true, ct);
        var down = PumpAsync(_server, _client, up: false, ct);
        await Task.WhenAll(up, down).ConfigureAwait(false);
        _client.Dispose();
        _server.Dispose();
    }

    /// <summary>Resets the relay (<see cref="Abort"/>).</summary>
    public void Dispose() => Abort(reset: true);

    /// <summary>Resets both sides (RST to the client and to the server).</summary>
    public void Reset() => Abort(reset: true);

    /// <summary>Sends FIN to the client, as a graceful shutdown does; the client's FIN then ends the rest.</summary>
    public void ShutdownClient() => SocketClose.ShutdownSend(_client);

    /// <summary>Ends the relay at once: RST both ways (<paramref name="reset"/>) or FIN both ways. Calling it again does nothing.</summary>
    public void Abort(bool reset)
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
        {
            return;
        }

        // Closing the sockets ends the loops' receives and sends.
        _abort.Cancel();
        SocketClose.Close(_client, reset);
        SocketClose.Close(_server, reset);
    }

    private static async ValueTask SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        while (!data.IsEmpty)
        {
            var n = await socket.SendAsync(data, SocketFlags.None, ct).ConfigureAwait(false);
            data = data[n..];
        }
    }

    private async Task PumpAsync(Socket from, Socket to, bool up, CancellationToken ct)
    {
        try
        {
            var (line, writer) = await ReadAsync(from, to, up, ct).ConfigureAwait(false);
            if (line is not null)
            {
                line.Complete();
                await writer!.ConfigureAwait(false);
            }

            // The peer's FIN, after every byte before it is written: pass it on.
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException or ChannelClosedException)
        {
            // A reset on either side, a failure, or the relay aborted: reset the other side too.
            Abort(reset: true);
        }
    }

    /// <summary>Reads until the peer's FIN; returns the delay line if faults made one (its writer may still be writing).</summary>
    private async Task<(DelayLine? Line, Task? Writer)> ReadAsync(Socket from, Socket to, bool up, CancellationToken ct)
    {
        var counters = _settings.Counters;
        var time = _settings.Time;
        DelayLine? line = null;
        Task? writer = null;
        FlowState? flow = null;
        try
        {
            while (true)
            {
                // Wait for data before taking a buffer: an idle connection holds none. The socket
                // calls take no token: Abort closes the sockets, which ends them, and an operation
                // without a cancellation registration is the socket engine's cheapest.
                await from.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, CancellationToken.None).ConfigureAwait(false);
                var buffer = ArrayPool<byte>.Shared.Rent(_settings.BufferSize);
                int n;
                try
                {
                    n = await from.ReceiveAsync(buffer, SocketFlags.None, CancellationToken.None).ConfigureAwait(false);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }

                if (n == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return (line, writer);
                }

                Interlocked.Add(ref up ? ref counters.UpstreamRead : ref counters.DownstreamRead, n);
                var faults = _settings.Faults();
                var plan = default(ChunkPlan);
                if (!faults.IsEmpty)
                {
                    flow ??= new FlowState(_id, udp: false, up ? FaultDirection.Upstream : FaultDirection.Downstream);
                    var now = time.GetTimestamp();
                    plan = FaultPlanner.Plan(faults, flow, n, now, time);
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
                            throw new OperationCanceledException(ct);
                    }

                    plan.Due = plan.Due > now ? plan.Due : 0;
                }

                if (plan.Due == 0 && plan.SliceSize == 0 && (line is null || line.IsIdle))
                {
                    // No fault on this chunk and nothing queued before it: straight through.
                    try
                    {
                        await SendAllAsync(to, buffer.AsMemory(0, n), CancellationToken.None).ConfigureAwait(false);
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }

                    Interlocked.Add(ref up ? ref counters.UpstreamWritten : ref counters.DownstreamWritten, n);
                    continue;
                }

                if (line is null)
                {
                    line = new DelayLine(_settings, (m, c) => SendAllAsync(to, m, c), up ? UpWritten : DownWritten);
                    writer = line.RunAsync(ct);
                }

                await line.EnqueueAsync(new Chunk(Fit(buffer, n), n, plan.Due, plan.SliceSize, plan.SliceGap), ct).ConfigureAwait(false);
            }
        }
        catch when (line is not null)
        {
            line.Complete();
            try
            {
                await writer!.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Aborted with the rest.
            }

            throw;
        }
    }

    /// <summary>A small read moves to a buffer of its size before it waits in a queue: a queue of small chunks pins little.</summary>
    private static byte[] Fit(byte[] buffer, int length)
    {
        if (length > buffer.Length / 4)
        {
            return buffer;
        }

        var fitted = ArrayPool<byte>.Shared.Rent(length);
        buffer.AsSpan(0, length).CopyTo(fitted);
        ArrayPool<byte>.Shared.Return(buffer);
        return fitted;
    }

    private void UpWritten(int n) => Interlocked.Add(ref _settings.Counters.UpstreamWritten, n);

    private void DownWritten(int n) => Interlocked.Add(ref _settings.Counters.DownstreamWritten, n);
}
