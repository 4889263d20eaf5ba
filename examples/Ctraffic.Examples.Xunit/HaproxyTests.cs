using System.Net.Sockets;
using System.Text;
using Ctraffic.Testing;

namespace Ctraffic.Examples;

/// <summary>The HAProxy preset itself: it forwards to every backend, and disposing it ends the process.</summary>
public class HaproxyTests
{
    [Fact]
    public async Task HaproxySpreadsConnectionsOverItsBackendsAndEndsWhenDisposed()
    {
        var ct = TestContext.Current.CancellationToken;
        if (HaproxyOptions.UnavailableReason is { } reason)
        {
            Assert.Skip(reason);
        }

        // Given: HAProxy in front of three backends
        await using var backends = Backends.StartInProcess(3);
        await using var haproxy = await ProcessServer.StartHaproxyAsync(backends, cancellationToken: ct);

        // When: six connections read the handshake's host name
        var hosts = new List<string>();
        var address = HostPort.Parse(haproxy.Address);
        for (var i = 0; i < 6; i++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(address.IPAddress!, address.Port, ct);
            await socket.SendAsync(new byte[Wire.HandshakeSize], SocketFlags.None, ct);
            var reply = new byte[Wire.HandshakeSize];
            var got = 0;
            while (got < reply.Length)
            {
                var n = await socket.ReceiveAsync(reply.AsMemory(got), SocketFlags.None, ct);
                n.Should().BePositive("haproxy forwards the echo");
                got += n;
            }

            hosts.Add(Encoding.UTF8.GetString(reply).TrimEnd('\0'));
        }

        // Then: every backend served some (haproxy's own turn also counts its start-up probe), and disposing stops haproxy
        hosts.Distinct().Should().BeEquivalentTo("backend-1", "backend-2", "backend-3");
        await haproxy.DisposeAsync();
        haproxy.IsRunning.Should().BeFalse();
    }
}
