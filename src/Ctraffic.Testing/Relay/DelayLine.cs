using System.Threading.Channels;

namespace Ctraffic.Testing.Relay;

/// <summary>
/// One direction of one connection while faults delay or slice it: a first-in first-out queue of
/// chunks and the loop that writes each at its due time. One queue per direction keeps the order
/// under latency and jitter (a chunk due earlier than the one before it waits for it), and the
/// reader goes on reading while chunks wait, so latency does not cut throughput. The queue is
/// bounded in chunks and in bytes of the pool buffers it holds (<see cref="RelaySettings.QueueBytes"/>):
/// a peer that does not read holds the reader back (TCP: back-pressure to the sender) with a
/// bounded amount of memory pinned, or, for UDP, a full queue drops the datagram.
/// </summary>
internal sealed class DelayLine
{
    private readonly Channel<Chunk> _queue;
    private readonly TimeProvider _time;
    private readonly long _maxBytes;
    private readonly RelayCounters _counters;
    private readonly Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> _send;
    private readonly Action<int> _sent;
    private long _bytes;
    private int _pending;
    private TaskCompletionSource? _room;

    public DelayLine(RelaySettings settings, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> send, Action<int> sent)
    {
        _queue = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(settings.QueueCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
        _time = settings.Time;
        _maxBytes = settings.QueueBytes;
        _counters = settings.Counters;
        _send = send;
        _sent = sent;
    }

    /// <summary>Whether every chunk queued so far is written: a chunk sent past the line now cannot overtake one in it.</summary>
    public bool IsIdle => Volatile.Read(ref _pending) == 0;

    /// <summary>Queues a chunk, waiting for room; the line owns its buffer from now on (also when this throws).</summary>
    public async ValueTask EnqueueAsync(Chunk chunk, CancellationToken cancellationToken)
    {
        var counted = false;
        try
        {
            while (!HasRoomFor(chunk))
            {
                var room = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref _room, room);
                if (!HasRoomFor(chunk))
                {
                    await room.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            Count(chunk, 1);
            counted = true;
            await _queue.Writer.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (counted)
            {
                Count(chunk, -1);
            }

            chunk.Return();
            throw;
        }
    }

    /// <summary>Queues a chunk if there is room; otherwise returns its buffer and <see langword="false"/>.</summary>
    public bool TryEnqueue(Chunk chunk)
    {
        if (HasRoomFor(chunk))
        {
            Count(chunk, 1);
            if (_queue.Writer.TryWrite(chunk))
            {
                return true;
            }

            Count(chunk, -1);
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
                        Release(chunk);
                    }
                }
            }
        }
        finally
        {
            _queue.Writer.TryComplete();
            while (reader.TryRead(out var left))
            {
                Release(left);
            }
        }
    }

    private bool HasRoomFor(Chunk chunk)
    {
        var bytes = Volatile.Read(ref _bytes);
        return bytes == 0 || bytes + chunk.Buffer.Length <= _maxBytes;
    }

    private void Count(Chunk chunk, int sign)
    {
        Interlocked.Add(ref _bytes, sign * chunk.Buffer.Length);
        Interlocked.Add(ref _counters.Queued, sign * chunk.Buffer.Length);
        Interlocked.Add(ref _pending, sign);
    }

    private void Release(Chunk chunk)
    {
        chunk.Return();
        Count(chunk, -1);
        Interlocked.Exchange(ref _room, null)?.TrySetResult();
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
