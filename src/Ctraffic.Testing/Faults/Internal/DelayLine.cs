using System.Threading.Channels;

namespace Ctraffic.Testing.Faults.Internal;

/// <summary>
/// One direction of one connection: a bounded first-in first-out queue of chunks and the loop that
/// writes each at its due time. One queue per direction keeps the order under latency and jitter
/// (a chunk due earlier than the one before it waits for it), and the reader goes on reading while
/// chunks wait, so latency does not cut throughput. Bounded, a slow writer holds the reader back
/// (TCP: back-pressure to the sender) or, for UDP, a full queue drops the datagram.
/// </summary>
internal sealed class DelayLine
{
    private readonly Channel<Chunk> _queue;
    private readonly TimeProvider _time;
    private readonly Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> _send;
    private readonly Action<int> _sent;

    public DelayLine(int capacity, TimeProvider time, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> send, Action<int> sent)
    {
        _queue = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
        _time = time;
        _send = send;
        _sent = sent;
    }

    /// <summary>Queues a chunk, waiting for room; the line owns its buffer from now on (also when this throws).</summary>
    public async ValueTask EnqueueAsync(Chunk chunk, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            chunk.Return();
            throw;
        }
    }

    /// <summary>Queues a chunk if there is room; otherwise returns its buffer and <see langword="false"/>.</summary>
    public bool TryEnqueue(Chunk chunk)
    {
        if (_queue.Writer.TryWrite(chunk))
        {
            return true;
        }

        chunk.Return();
        return false;
    }

    /// <summary>No more chunks: <see cref="RunAsync"/> returns once the queued ones are written.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>Writes the chunks at their due times until <see cref="Complete"/> and the queue is empty; then returns.</summary>
    /// <param name="cancellationToken">Stops at once; the queued chunks' buffers are returned.</param>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out var chunk))
                {
                    try
                    {
                        await WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        chunk.Return();
                    }
                }
            }
        }
        finally
        {
            _queue.Writer.TryComplete();
            while (reader.TryRead(out var left))
            {
                left.Return();
            }
        }
    }

    private async ValueTask WriteAsync(Chunk chunk, CancellationToken cancellationToken)
    {
        await WaitUntilAsync(chunk.Due, cancellationToken).ConfigureAwait(false);
        if (chunk.SliceSize <= 0 || chunk.SliceSize >= chunk.Length)
        {
            await _send(chunk.Memory, cancellationToken).ConfigureAwait(false);
            _sent(chunk.Length);
            return;
        }

        for (var offset = 0; offset < chunk.Length; offset += chunk.SliceSize)
        {
            if (offset > 0 && chunk.SliceGap > 0)
            {
                await WaitUntilAsync(_time.GetTimestamp() + chunk.SliceGap, cancellationToken).ConfigureAwait(false);
            }

            var piece = Math.Min(chunk.SliceSize, chunk.Length - offset);
            await _send(chunk.Memory.Slice(offset, piece), cancellationToken).ConfigureAwait(false);
            _sent(piece);
        }
    }

    private Task WaitUntilAsync(long due, CancellationToken cancellationToken)
    {
        var wait = due - _time.GetTimestamp();
        return wait <= 0
            ? Task.CompletedTask
            : Task.Delay(TimeSpan.FromSeconds((double)wait / _time.TimestampFrequency), _time, cancellationToken);
    }
}
