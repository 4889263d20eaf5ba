using System.Net;
using System.Net.Sockets;

namespace Ctraffic.Server.Tests;

/// <summary>A plain TCP client socket for talking the wire protocol byte by byte.</summary>
internal sealed class RawClient : IDisposable
{
    private RawClient(Socket socket) => Socket = socket;

    public Socket Socket { get; }

    public static async Task<RawClient> ConnectAsync(IPEndPoint endPoint, int? receiveBufferSize = null)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBufferSize is { } size)
        {
            socket.ReceiveBufferSize = size;
        }

        await socket.ConnectAsync(endPoint, TestContext.Current.CancellationToken);
        return new RawClient(socket);
    }

    public Task SendAsync(byte[] data) => Socket.SendAsync(data, SocketFlags.None, TestContext.Current.CancellationToken).AsTask();

    /// <summary>Reads exactly <paramref name="count"/> bytes, or fewer if the stream ends (within 5 s).</summary>
    public async Task<byte[]> ReceiveAsync(int count)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(5));
        var buffer = new byte[count];
        var got = 0;
        while (got < count)
        {
            var n = await Socket.ReceiveAsync(buffer.AsMemory(got), SocketFlags.None, cts.Token);
            if (n == 0)
            {
                break;
            }

            got += n;
        }

        return buffer[..got];
    }

    public void Dispose() => Socket.Dispose();
}
