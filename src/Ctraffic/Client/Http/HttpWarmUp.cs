using System.Buffers.Binary;
using System.Net;

namespace Ctraffic.Client.Http;

/// <summary>
/// Runs .NET's HTTP stack once, before a run's clock starts, against a canned peer in memory (no
/// socket, nothing sent anywhere): the first request of a cold process otherwise pays for the JIT
/// of <see cref="SocketsHttpHandler"/> — a hundred milliseconds and more, longer than a packet
/// interval — and the run counts that as a late response (dropped requests, an outage) that the
/// network never caused. Once per process and HTTP version; bounded in time; a failure is ignored
/// (the run goes on, only cold).
/// </summary>
internal static class HttpWarmUp
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(2);
    private static int _http11;
    private static int _http2;

    /// <summary>Warms the stack <paramref name="client"/> uses, unless done before in this process.</summary>
    public static void Once(TrafficClient client)
    {
        var http2 = client != TrafficClient.Http;
        if (Interlocked.Exchange(ref http2 ? ref _http2 : ref _http11, 1) == 1)
        {
            return;
        }

        try
        {
            using var done = new CancellationTokenSource(Bound);
            Task.Run(() => RequestAsync(http2, client == TrafficClient.Grpc, done.Token), done.Token).Wait(Bound);
        }
        catch (Exception ex) when (ex is AggregateException or OperationCanceledException or HttpRequestException or IOException)
        {
            // Only a warm-up: the run works without it.
        }
    }

    /// <summary>The warm-up request against the canned peer: its status and body.</summary>
    internal static async Task<(HttpStatusCode Status, string Body)> RequestAsync(bool http2, bool grpc, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            ConnectCallback = (_, _) => new ValueTask<Stream>(new CannedPeer(http2)),
        };
        using var invoker = new HttpMessageInvoker(handler);
        using var request = new HttpRequestMessage(grpc ? HttpMethod.Post : HttpMethod.Get, "http://warm-up.invalid/")
        {
            Version = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (grpc)
        {
            request.Content = new ByteArrayContent(GrpcHealthCheck.Request);
        }

        using var response = await invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// A peer that answers one request with <c>200 ok</c>: HTTP/1.1 at once; HTTP/2 its SETTINGS at
    /// once, and the response only once the client's HEADERS of stream 1 went out (frames parsed
    /// from what the client writes, after its 24-byte preface).
    /// </summary>
    private sealed class CannedPeer(bool http2) : Stream
    {
        private static readonly byte[] Http11 = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray();
        private static readonly byte[] Settings = [0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0];
        private static readonly byte[] Response =
        [
            0, 0, 1, 1, 4, 0, 0, 0, 1, 0x88,           // HEADERS of stream 1, END_HEADERS: :status 200 (HPACK static 8)
            0, 0, 2, 0, 1, 0, 0, 0, 1, (byte)'o', (byte)'k', // DATA of stream 1, END_STREAM
        ];

        private readonly SemaphoreSlim _readable = new(0);
        private readonly List<byte> _written = [];
        private byte[] _pending = http2 ? Settings : Http11;
        private int _offset;
        private bool _answered = !http2;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (true)
            {
                lock (_written)
                {
                    if (_offset < _pending.Length)
                    {
                        var n = Math.Min(buffer.Length, _pending.Length - _offset);
                        _pending.AsSpan(_offset, n).CopyTo(buffer.Span);
                        _offset += n;
                        return n;
                    }

                    if (_answered && !http2)
                    {
                        return 0;
                    }
                }

                await _readable.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (!http2)
            {
                return;
            }

            lock (_written)
            {
                if (_answered)
                {
                    return;
                }

                _written.AddRange(buffer);
                if (!HasHeadersOfStreamOne())
                {
                    return;
                }

                _answered = true;
                _pending = [.. _pending.AsSpan(_offset), .. Response];
                _offset = 0;
            }

            _readable.Release();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _readable.Dispose();
            }

            base.Dispose(disposing);
        }

        /// <summary>Whether the frames written after the client preface hold a HEADERS frame of stream 1.</summary>
        private bool HasHeadersOfStreamOne()
        {
            var bytes = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_written);
            for (var at = 24; at + 9 <= bytes.Length;)
            {
                var length = (bytes[at] << 16) | (bytes[at + 1] << 8) | bytes[at + 2];
                var stream = BinaryPrimitives.ReadInt32BigEndian(bytes.Slice(at + 5, 4)) & int.MaxValue;
                if (bytes[at + 3] == 1 && stream == 1)
                {
                    return true;
                }

                at += 9 + length;
            }

            return false;
        }
    }
}
