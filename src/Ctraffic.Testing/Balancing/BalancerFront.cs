using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;

namespace Ctraffic.Testing.Balancing;

/// <summary>
/// The front of a <see cref="LoadBalancer"/>: its listening socket and accept loop, and for each
/// accepted connection a backend the policy picks (the next one in turn when a connect is refused
/// or too slow), then the byte-for-byte forwarding. A connection no backend takes is reset.
/// Closing the front (kill, stop) ends the forwarding of the connections it accepted before.
/// </summary>
internal sealed class BalancerFront(LoadBalancerOptions options, IBalancingPolicy policy, Func<ImmutableArray<Backend>> pool) : IDisposable
{
    private readonly ConcurrentDictionary<Task, byte> _handlers = new();
    private readonly CancellationTokenSource _disposing = new();
    private Socket? _listener;
    private int _generation;

    /// <summary>Whether it listens.</summary>
    public bool IsOpen => Volatile.Read(ref _listener) is not null;

    /// <summary>Listens on <paramref name="endPoint"/>; <see langword="false"/> if it listens already.</summary>
    /// <returns>Whether it listens now on a socket of this call; the bound address in <paramref name="bound"/>.</returns>
    /// <exception cref="SocketException">The address cannot be bound.</exception>
    public bool TryOpen(IPEndPoint endPoint, out IPEndPoint bound)
    {
        var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(endPoint);
            listener.Listen(1024);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        bound = (IPEndPoint)listener.LocalEndPoint!;
        if (Interlocked.CompareExchange(ref _listener, listener, null) is not null)
        {
            listener.Dispose();
            return false;
        }

        var generation = Volatile.Read(ref _generation);
        _ = Task.Run(() => AcceptAsync(listener, generation));
        return true;
    }

    /// <summary>Stops listening; the forwarding of connections accepted before ends.</summary>
    public void Close()
    {
        Interlocked.Increment(ref _generation);
        Interlocked.Exchange(ref _listener, null)?.Dispose();
    }

    /// <summary>Closes for good: pending backend connects give up.</summary>
    public void Shutdown()
    {
        _disposing.Cancel();
        Close();
    }

    /// <summary>Completes once every accepted connection's handler has ended.</summary>
    public Task HandlersEnded => Task.WhenAll(_handlers.Keys);

    /// <summary>After <see cref="Shutdown"/> and once <see cref="HandlersEnded"/>: nothing uses the front any more.</summary>
    public void Dispose() => _disposing.Dispose();

    private async Task AcceptAsync(Socket listener, int generation)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return; // closed by kill, stop or dispose
            }

            var handler = HandleAsync(client, generation);
            _handlers[handler] = 0;
            _ = handler.ContinueWith(static (t, s) => ((ConcurrentDictionary<Task, byte>)s!).TryRemove(t, out _), _handlers, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task HandleAsync(Socket client, int generation)
    {
        var clientEndPoint = (IPEndPoint)client.RemoteEndPoint!;
        client.NoDelay = true;
        var backend = await ConnectAsync(clientEndPoint).ConfigureAwait(false);
        if (backend is null)
        {
            Reset(client);
            return;
        }

        var connection = new BalancedConnection(client, backend.Value.Socket, backend.Value.Target, options.BufferSize);
        await connection.RunAsync(() => Volatile.Read(ref _generation) == generation && !backend.Value.Target.Closed).ConfigureAwait(false);
    }

    private async Task<(Socket Socket, Backend Target)?> ConnectAsync(IPEndPoint client)
    {
        var candidates = pool().Where(b => !b.Closed).ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        var first = policy.Pick(candidates, client);
        for (var i = 0; i < candidates.Count; i++)
        {
            var target = candidates[(first + i) % candidates.Count];
            var endPoint = target.EndPoint();
            var socket = new Socket(endPoint.AddressFamily == AddressFamily.Unspecified ? AddressFamily.InterNetwork : endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_disposing.Token);
            timeout.CancelAfter(options.ConnectTimeout);
            try
            {
                socket.NoDelay = true;
                await socket.ConnectAsync(endPoint, timeout.Token).ConfigureAwait(false);
                if (!target.Closed)
                {
                    return (socket, target);
                }
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                // Refused or too slow: the next backend.
            }

            socket.Dispose();
            if (_disposing.IsCancellationRequested)
            {
                return null;
            }
        }

        return null;
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
            // Closing anyway.
        }

        socket.Dispose();
    }
}
