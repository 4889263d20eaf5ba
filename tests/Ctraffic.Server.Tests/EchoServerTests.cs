using System.Net;
using System.Net.Sockets;
using System.Text;
using FluentAssertions;
using Xunit;

namespace Ctraffic.Server.Tests;

public class EchoServerTests
{
    private static EchoServer StartServer(string address = "127.0.0.1:0", string? host = "backend-1")
        => EchoServer.Start(new EchoServerOptions { Address = address, HostName = host });

    [Fact]
    public async Task FirstSixtyFourBytesComeBackWithTheHostNameOverTheirStart()
    {
        await using var server = StartServer();
        using var client = await RawClient.ConnectAsync(server.LocalEndPoint);
        var packet = new byte[100];
        packet[20] = 7;
        await client.SendAsync(packet);

        var reply = await client.ReceiveAsync(100);

        Encoding.ASCII.GetString(reply, 0, 9).Should().Be("backend-1");
        reply[9].Should().Be(0, "no terminator is added: the client's own zero byte follows");
        reply[20].Should().Be(7);
        reply.Skip(64).Should().Equal(packet.Skip(64));
    }

    [Fact]
    public async Task AfterTheHandshakeEverythingIsEchoedUnchanged()
    {
        await using var server = StartServer();
        using var client = await RawClient.ConnectAsync(server.LocalEndPoint);
        await client.SendAsync(new byte[64]);
        (await client.ReceiveAsync(64)).Should().HaveCount(64);

        var data = Enumerable.Range(0, 50_000).Select(i => (byte)(i * 7)).ToArray();
        var send = client.SendAsync(data);
        var echo = await client.ReceiveAsync(data.Length);
        await send;

        echo.Should().Equal(data);
    }

    [Fact]
    public async Task AHandshakeThatArrivesInPiecesComesBackInOnePieceOnceAllSixtyFourBytesAreIn()
    {
        await using var server = StartServer();
        using var client = await RawClient.ConnectAsync(server.LocalEndPoint);
        var stream = Enumerable.Range(0, 100).Select(i => (byte)(i + 1)).ToArray();
        await client.SendAsync(stream[..10]);
        var early = client.ReceiveAsync(100);

        // Bounded look for a premature reply; a slow server can only make this pass, never fail.
        await Task.WhenAny(early, Task.Delay(200, TestContext.Current.CancellationToken));
        early.IsCompleted.Should().BeFalse("nothing comes back before the 64 bytes of the handshake are in");
        await client.SendAsync(stream[10..]);
        var reply = await early;

        Encoding.ASCII.GetString(reply, 0, 9).Should().Be("backend-1");
        reply.Skip(9).Should().Equal(stream.Skip(9));
    }

    [Fact]
    public async Task AShortHandshakeBeforeTheClientHalfClosesComesBackStamped()
    {
        await using var server = StartServer();
        using var client = await RawClient.ConnectAsync(server.LocalEndPoint);
        await client.SendAsync([.. Enumerable.Repeat((byte)'x', 12)]);
        client.Socket.Shutdown(SocketShutdown.Send);

        var reply = await client.ReceiveAsync(100);

        Encoding.ASCII.GetString(reply).Should().Be("backend-1xxx", "the host name over the start of the 12 bytes, then the end of the stream");
    }

    [Fact]
    public async Task AClientThatDoesNotReadForAWhileGetsEveryByteBackInOrder()
    {
        await using var server = StartServer();
        // A small receive buffer, set before the connect (the window scale is fixed then).
        using var client = await RawClient.ConnectAsync(server.LocalEndPoint, receiveBufferSize: 16 * 1024);
        await client.SendAsync(new byte[64]);
        await client.ReceiveAsync(64);

        // More than all socket buffers on the way hold: once the client's receive buffer is
        // full, the server's sends must wait for room (and it stops reading meanwhile).
        var data = Enumerable.Range(0, 32 << 20).Select(i => (byte)(i * 13 + (i >> 11))).ToArray();
        var send = client.SendAsync(data);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline && client.Socket.Available < 12 * 1024)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        var echo = new byte[data.Length];
        var got = 0;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (got < echo.Length)
        {
            var n = await client.Socket.ReceiveAsync(echo.AsMemory(got), SocketFlags.None, timeout.Token);
            n.Should().BePositive("the stream must not end before all {0} bytes are back ({1} so far)", echo.Length, got);
            got += n;
        }

        await send;
        echo.AsSpan().SequenceEqual(data).Should().BeTrue("every byte comes back unchanged and in order");
    }

    [Fact]
    public async Task ByDefaultTheMachinesHostNameIsSent()
    {
        await using var server = StartServer(host: null);
        using var client = await RawClient.ConnectAsync(server.LocalEndPoint);
        await client.SendAsync(new byte[64]);
        var reply = await client.ReceiveAsync(64);

        var name = Encoding.UTF8.GetString(reply, 0, Array.IndexOf(reply, (byte)0));
        name.Should().Be(Dns.GetHostName()).And.Be(server.HostName);
    }

    [Fact]
    public async Task PortZeroGetsAFreePortAndTheWildcardServesIPv4AndIPv6()
    {
        if (!Socket.OSSupportsIPv6)
        {
            Assert.Skip("IPv6 is not available on this machine");
        }

        await using var server = StartServer("[::]:0");
        server.LocalEndPoint.Port.Should().BePositive();

        using var v4 = await RawClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.LocalEndPoint.Port));
        using var v6 = await RawClient.ConnectAsync(new IPEndPoint(IPAddress.IPv6Loopback, server.LocalEndPoint.Port));
        await v4.SendAsync(new byte[64]);
        await v6.SendAsync(new byte[64]);

        (await v4.ReceiveAsync(64)).Should().HaveCount(64);
        (await v6.ReceiveAsync(64)).Should().HaveCount(64);
    }

    [Fact]
    public async Task CountsLiveConnections()
    {
        await using var server = StartServer();
        var clients = new List<RawClient>();
        for (var i = 0; i < 5; i++)
        {
            clients.Add(await RawClient.ConnectAsync(server.LocalEndPoint));
        }

        (await Eventually.TrueAsync(() => server.ActiveConnections == 5, TimeSpan.FromSeconds(5))).Should().BeTrue();
        server.AcceptedConnections.Should().Be(5);

        foreach (var c in clients.Take(2))
        {
            c.Socket.Shutdown(SocketShutdown.Send);
        }

        (await Eventually.TrueAsync(() => server.ActiveConnections == 3, TimeSpan.FromSeconds(5)))
            .Should().BeTrue("the server closes a connection when the client half-closes");
        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task WhenTheClientHalfClosesTheServerEchoesTheRestAndCloses()
    {
        await using var server = StartServer();
        using var client = await RawClient.ConnectAsync(server.LocalEndPoint);
        await client.SendAsync(new byte[80]);
        client.Socket.Shutdown(SocketShutdown.Send);

        var all = await client.ReceiveAsync(1000);

        all.Should().HaveCount(80, "the echo comes back, then the end of the stream");
    }

    [Fact]
    public async Task StopSendsAFinToEveryConnection()
    {
        await using var server = StartServer();
        using var client = await RawClient.ConnectAsync(server.LocalEndPoint);
        await client.SendAsync(new byte[64]);
        await client.ReceiveAsync(64);

        var stopping = server.StopAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        var rest = await client.ReceiveAsync(1);
        client.Dispose();
        await stopping;

        rest.Should().BeEmpty("a graceful stop ends the stream (FIN)");
        server.ActiveConnections.Should().Be(0);
    }

    [Fact]
    public async Task KillResetsEveryConnection()
    {
        await using var server = StartServer();
        using var client = await RawClient.ConnectAsync(server.LocalEndPoint);
        await client.SendAsync(new byte[64]);
        await client.ReceiveAsync(64);

        server.Kill();

        var read = async () => await client.ReceiveAsync(1);
        (await read.Should().ThrowAsync<SocketException>()).Which.SocketErrorCode.Should().Be(SocketError.ConnectionReset);
    }

    [Fact]
    public async Task AKilledServerNoLongerAccepts()
    {
        var server = StartServer();
        var endPoint = server.LocalEndPoint;
        await server.DisposeAsync();

        var connect = async () => await RawClient.ConnectAsync(endPoint);
        (await connect.Should().ThrowAsync<SocketException>()).Which.SocketErrorCode.Should().Be(SocketError.ConnectionRefused);
    }

    [Fact]
    public async Task ASecondServerCanTakeTheSamePortRightAfterAKill()
    {
        var first = StartServer();
        var port = first.LocalEndPoint.Port;
        using (var client = await RawClient.ConnectAsync(first.LocalEndPoint))
        {
            await client.SendAsync(new byte[64]);
            await client.ReceiveAsync(64);
            first.Kill();
        }

        await first.DisposeAsync();
        await using var second = StartServer($"127.0.0.1:{port}", host: "backend-2");
        using var again = await RawClient.ConnectAsync(second.LocalEndPoint);
        await again.SendAsync(new byte[64]);
        Encoding.ASCII.GetString(await again.ReceiveAsync(9)).Should().Be("backend-2");
    }

    [Theory]
    [InlineData("127.0.0.1", "Address")]
    [InlineData("localhost:5003", "Address")]
    public void BadOptionsAreRejectedNamingTheOption(string address, string option)
    {
        var start = () => EchoServer.Start(new EchoServerOptions { Address = address });
        start.Should().Throw<ArgumentException>().WithMessage($"{option}*");
    }

    [Fact]
    public void AHostNameLongerThanTheHandshakeIsRejected()
    {
        var start = () => EchoServer.Start(new EchoServerOptions { Address = "127.0.0.1:0", HostName = new string('x', 65) });
        start.Should().Throw<ArgumentException>().WithMessage("HostName*");
    }

    [Fact]
    public async Task UdpRepliesHaveTheRequestsLengthAndTheHostNameOverTheirStart()
    {
        await using var server = EchoServer.Start(new EchoServerOptions { Address = "127.0.0.1:0", HostName = "udp-host", Udp = true });
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.Connect(server.LocalEndPoint);
        var request = new byte[200];
        request[150] = 9;
        await client.SendAsync(request, SocketFlags.None, TestContext.Current.CancellationToken);

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(5));
        var reply = new byte[1000];
        var n = await client.ReceiveAsync(reply, SocketFlags.None, cts.Token);

        n.Should().Be(200);
        Encoding.ASCII.GetString(reply, 0, 8).Should().Be("udp-host");
        reply[150].Should().Be(9);
    }

    [Fact]
    public async Task OnAWildcardAddressUdpRepliesComeFromTheAddressTheRequestWasSentTo()
    {
        await using var server = EchoServer.Start(new EchoServerOptions { Address = "0.0.0.0:0", HostName = "h", Udp = true });
        var port = server.LocalEndPoint.Port;
        foreach (var target in new[] { "127.0.0.1", "127.0.0.2", "127.0.0.3" })
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var to = new IPEndPoint(IPAddress.Parse(target), port);
            await client.SendToAsync(new byte[64], SocketFlags.None, to, TestContext.Current.CancellationToken);

            using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            cts.CancelAfter(TimeSpan.FromSeconds(5));
            var result = await client.ReceiveFromAsync(new byte[100], SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cts.Token);

            result.RemoteEndPoint.Should().Be(to, "the reply must come from the address the client talked to");
        }
    }
}
