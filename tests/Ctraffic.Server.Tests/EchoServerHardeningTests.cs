using System.Net;
using System.Net.Sockets;
using System.Text;
using FluentAssertions;

namespace Ctraffic.Server.Tests;

/// <summary>The in-process server against peers that vanish, a port in use and UDP on a wildcard address.</summary>
public class EchoServerHardeningTests
{
    private const int IpProtoTcp = 6;
    private const int TcpRepair = 19;

    [Fact]
    public async Task WithKeepAliveAPeerThatVanishedWithoutAFinIsReleased()
    {
        // Given a server with a keep-alive of 1 s and a connection past its handshake
        await using var server = EchoServer.Start(new EchoServerOptions { Address = "127.0.0.1:0", HostName = "k", KeepAlive = TimeSpan.FromSeconds(1) });
        var client = await RawClient.ConnectAsync(server.LocalEndPoint);
        await client.SendAsync(new byte[64]);
        (await client.ReceiveAsync(64)).Should().HaveCount(64);
        server.ActiveConnections.Should().Be(1);

        // When the peer vanishes without a FIN or RST (a socket closed in repair mode sends nothing,
        // as a host that lost power)
        try
        {
            client.Socket.SetRawSocketOption(IpProtoTcp, TcpRepair, BitConverter.GetBytes(1));
        }
        catch (SocketException ex)
        {
            client.Dispose();
            Assert.Skip($"TCP_REPAIR needs CAP_NET_ADMIN ({ex.Message})");
        }

        client.Dispose();

        // Then the server's probes find no one and it lets the connection go (after about 2 s)
        (await Eventually.TrueAsync(() => server.ActiveConnections == 0, TimeSpan.FromSeconds(15))).Should().BeTrue("keep-alive releases a vanished peer");
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(40_000)]
    public void AKeepAliveOutsideOneSecondToTheKernelsLimitIsRejected(double seconds)
    {
        var start = () => EchoServer.Start(new EchoServerOptions { Address = "127.0.0.1:0", KeepAlive = TimeSpan.FromSeconds(seconds) });
        start.Should().Throw<ArgumentOutOfRangeException>().WithMessage("KeepAlive must be 1 s to 32767 s*");
    }

    [Theory]
    [InlineData("127.0.0.1:{0}")]
    [InlineData("[::]:{0}")]
    public async Task ASecondServerOnAPortInUseFails(string second)
    {
        // Given a server on a port
        await using var first = EchoServer.Start(new EchoServerOptions { Address = "127.0.0.1:0", Udp = true });

        // When a second one is started on it
        var start = () => EchoServer.Start(new EchoServerOptions { Address = string.Format(System.Globalization.CultureInfo.InvariantCulture, second, first.LocalEndPoint.Port), Udp = true });

        // Then it fails: address in use
        start.Should().Throw<SocketException>().Which.SocketErrorCode.Should().Be(SocketError.AddressAlreadyInUse);
    }

    [Fact]
    public async Task OnTheIPv6WildcardTheFirstDatagramToEachIPv4AddressIsAnsweredFromThatAddress()
    {
        if (!Socket.OSSupportsIPv6)
        {
            Assert.Skip("IPv6 is not available on this machine");
        }

        // Given a UDP server on [::]
        await using var server = EchoServer.Start(new EchoServerOptions { Address = "[::]:0", HostName = "w", Udp = true });
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var reply = new byte[100];
        foreach (var target in new[] { "127.0.0.1", "127.0.0.7", "127.3.2.1" })
        {
            // When one datagram goes to an IPv4 address
            var to = new IPEndPoint(IPAddress.Parse(target), server.LocalEndPoint.Port);
            await client.SendToAsync(new byte[64], SocketFlags.None, to, TestContext.Current.CancellationToken);

            // Then it is answered, from that address
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            cts.CancelAfter(TimeSpan.FromSeconds(5));
            var r = await client.ReceiveFromAsync(reply, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cts.Token);
            r.RemoteEndPoint.Should().Be(to);
            Encoding.ASCII.GetString(reply, 0, 1).Should().Be("w");
        }

        // And IPv6 from ::1 as well
        using var v6 = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
        var to6 = new IPEndPoint(IPAddress.IPv6Loopback, server.LocalEndPoint.Port);
        await v6.SendToAsync(new byte[10], SocketFlags.None, to6, TestContext.Current.CancellationToken);
        using var cts6 = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts6.CancelAfter(TimeSpan.FromSeconds(5));
        var r6 = await v6.ReceiveFromAsync(reply, SocketFlags.None, new IPEndPoint(IPAddress.IPv6Any, 0), cts6.Token);
        r6.RemoteEndPoint.Should().Be(to6);
        r6.ReceivedBytes.Should().Be(10);
        (await Eventually.TrueAsync(() => server.UdpReplies == 4, TimeSpan.FromSeconds(5))).Should().BeTrue("four replies were sent (counted just after each send)");
    }
}
