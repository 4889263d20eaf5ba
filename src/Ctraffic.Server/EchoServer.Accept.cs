using System.Globalization;
using System.Net.Sockets;
using Ctraffic.Server.Internal;

namespace Ctraffic.Server;

/// <content>
/// The accept loop: one descriptor per connection kept below the open-file limit with headroom
/// for the runtime, and accept errors (out of descriptors, a connection reset before accept)
/// survived with a back-off on <see cref="EchoServerOptions.TimeProvider"/>.
/// </content>
public sealed partial class EchoServer
{
    private static readonly TimeSpan FirstAcceptBackoff = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxAcceptBackoff = TimeSpan.FromSeconds(1);
    private const int DescriptorHeadroom = 32;

    private async Task AcceptLoopAsync()
    {
        await Task.Yield();
        var backoff = FirstAcceptBackoff;
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                // After running out of descriptors, accept again only once the reserve is whole:
                // the process keeps headroom for the runtime itself.
                if (!_reserve.IsFull)
                {
                    _reserve.Refill();
                    if (!_reserve.IsFull)
                    {
                        _reserve.Release();
                        throw new SocketException((int)SocketError.TooManyOpenSockets);
                    }
                }

                // One descriptor per connection: stay below the open-file limit with headroom for
                // the runtime, instead of running into it.
                if (FileLimit.Current() is { } limit && ActiveConnections >= limit - _baselineDescriptors - DescriptorHeadroom)
                {
                    throw new SocketException((int)SocketError.TooManyOpenSockets);
                }

                var accept = _listener.AcceptAsync(_stopping.Token);
                var pended = !accept.IsCompleted;
                socket = await accept.ConfigureAwait(false);
                backoff = FirstAcceptBackoff;
                if (pended)
                {
                    // Resumed by the socket engine (on its own thread with inline completions):
                    // move to the thread pool, so that a storm of connects accepted back to back
                    // does not hold up the echoes the engine's thread delivers.
                    await Task.Yield();
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                break;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted && _stopping.IsCancellationRequested)
            {
                break;
            }
            catch (SocketException ex)
            {
                // Out of file descriptors (EMFILE), a connection reset before accept, ...: wait and go on.
                if (ex.SocketErrorCode == SocketError.TooManyOpenSockets)
                {
                    _reserve.Release();
                }

                Interlocked.Increment(ref _acceptErrors);
                Log(ex.SocketErrorCode == SocketError.TooManyOpenSockets
                    ? $"accept: too many open files ({ActiveConnections} connections, open-file limit {FileLimit.Current()?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}); waiting {backoff.TotalMilliseconds:0} ms"
                    : $"accept: {ex.Message}; retrying in {backoff.TotalMilliseconds:0} ms");
                try
                {
                    await Task.Delay(backoff, _options.TimeProvider, _stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                backoff = backoff * 2 < MaxAcceptBackoff ? backoff * 2 : MaxAcceptBackoff;
                continue;
            }

            try
            {
                socket.NoDelay = true;
                if (_options.KeepAlive is { } keepAlive)
                {
                    KeepAlive.Apply(socket, keepAlive);
                }
            }
            catch (SocketException)
            {
                // Reset before we got to it: the connection's loop ends it at once.
            }

            var id = Interlocked.Increment(ref _accepted);
            var connection = new EchoConnection(id, socket, _hostName, _onClosed);
            _connections[id] = connection;
            connection.Start();
            if (_killed)
            {
                // Accepted while the server was killed, after it reset the connections it had.
                // (A graceful stop waits for this loop to end before it stops the connections, so
                // a connection accepted meanwhile is stopped with the others, not reset.)
                connection.Abort();
            }
        }
    }
}
