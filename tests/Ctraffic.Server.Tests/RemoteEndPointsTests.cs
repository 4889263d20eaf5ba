using System.Net;
using System.Net.Sockets;
using FluentAssertions;
using Xunit;

namespace Ctraffic.Server.Tests;

public class RemoteEndPointsTests
{
    [Fact]
    public async Task RemoteEndPointsAreTheClientAddressesOfTheLiveConnections()
    {
        await using var server = EchoServer.Start(new EchoServerOptions { Address = "127.0.0.1:0", HostName = "h" });
        using var a = await RawClient.ConnectAsync(server.LocalEndPoint);
        using var b = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        b.Bind(new IPEndPoint(IPAddress.Parse("127.1.2.3"), 0)); // all of 127/8 is local on Linux
        await b.ConnectAsync(server.LocalEndPoint, TestContext.Current.CancellationToken);
        (await Eventually.TrueAsync(() => server.RemoteEndPoints.Count == 2, TimeSpan.FromSeconds(5))).Should().BeTrue();

        server.RemoteEndPoints.Should().BeEquivalentTo([a.Socket.LocalEndPoint, b.LocalEndPoint]);

        a.Socket.Shutdown(SocketShutdown.Send);
        (await Eventually.TrueAsync(() => server.RemoteEndPoints.Count == 1, TimeSpan.FromSeconds(5))).Should().BeTrue("a closed connection leaves the list");
        server.RemoteEndPoints.Should().ContainSingle().Which.Should().Be(b.LocalEndPoint);
    }
}
