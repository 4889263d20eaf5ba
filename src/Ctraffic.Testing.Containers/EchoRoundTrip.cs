using System.Net;
using System.Net.Sockets;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;

namespace Ctraffic.Testing.Containers;

/// <summary>
/// Readiness the Testcontainers way, and a real one: the server is ready when it answers a
/// ctraffic handshake (64 bytes out, 64 bytes back) — not when its port accepts, which Docker's
/// port proxy does before the server runs. Used on every start, also a restart.
/// </summary>
internal sealed class EchoRoundTrip(Func<IPEndPoint> target) : IWaitUntil
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The last error seen, for the message when the server never answers.</summary>
    public Exception? LastError { get; private set; }

    public async Task<bool> UntilAsync(IContainer container)
    {
        var endPoint = target();
        try
        {
            using var timeout = new CancellationTokenSource(AttemptTimeout);
            using var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(endPoint, timeout.Token).ConfigureAwait(false);
            await socket.SendAsync(new byte[Wire.HandshakeSize], SocketFlags.None, timeout.Token).ConfigureAwait(false);
            var reply = new byte[Wire.HandshakeSize];
            var got = 0;
            while (got < reply.Length)
            {
                var n = await socket.ReceiveAsync(reply.AsMemory(got), SocketFlags.None, timeout.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    LastError = new IOException($"{HostPort.Format(endPoint)} closed the connection after {got} bytes of the handshake");
                    return false;
                }

                got += n;
            }

            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            LastError = e;
            return false;
        }
    }
}
