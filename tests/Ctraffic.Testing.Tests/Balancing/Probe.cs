using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ctraffic.Testing.Tests.Balancing;

/// <summary>A raw client connection through a balancer: the handshake tells which backend serves it.</summary>
internal sealed class Probe : IDisposable
{
    private Probe(Socket socket, string host)
    {
        Socket = socket;
        Host = host;
    }

    public Socket Socket { get; }

    /// <summary>The host name the backend wrote in the handshake.</summary>
    public string Host { get; }

    public static async Task<Probe> ConnectAsync(string address, CancellationToken ct, IPAddress? source = null)
    {
        var target = HostPort.Parse(address);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (source is not null)
            {
                socket.Bind(new IPEndPoint(source, 0));
            }

            await socket.ConnectAsync(target.IPAddress!, target.Port, ct);
            var reply = await EchoAsync(socket, new byte[Wire.HandshakeSize], ct);
            return new Probe(socket, Encoding.UTF8.GetString(reply).TrimEnd('\0'));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends <paramref name="data"/> and reads as many bytes back.</summary>
    public static async Task<byte[]> EchoAsync(Socket socket, byte[] data, CancellationToken ct)
    {
        await socket.SendAsync(data, SocketFlags.None, ct);
        var reply = new byte[data.Length];
        var got = 0;
        while (got < reply.Length)
        {
            var n = await socket.ReceiveAsync(reply.AsMemory(got), SocketFlags.None, ct);
            if (n == 0)
            {
                throw new IOException($"EOF after {got} of {reply.Length} bytes");
            }

            got += n;
        }

        return reply;
    }

    public Task<byte[]> EchoAsync(byte[] data, CancellationToken ct) => EchoAsync(Socket, data, ct);

    public void Dispose() => Socket.Dispose();
}
