using System.Net;
using System.Net.Sockets;
using Ctraffic.Testing.Relay;
using Ctraffic.Testing.Tests.Balancing;
using FluentAssertions;

namespace Ctraffic.Testing.Tests.Relay;

public class UpstreamTests
{
    [Fact(Timeout = 30_000)]
    public async Task ABalancerOverAServerAtTwoAddressesUsesTheSecondWhileTheFirstIsDown()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: a server known by two addresses, the first of which refuses (nothing listens there).
        await using var server = CtrafficServer.InProcess(s => s.HostName = "b");
        var down = FreePort();
        await using var balancer = LoadBalancer.Start([CtrafficServer.External($"127.0.0.1:{down},{server.Address}")]);

        // When: several clients connect through the balancer.
        var hosts = await HostsThroughAsync(balancer.Address, ct);

        // Then: every one is served by the address that answers, none reset.
        hosts.Should().AllBe("b");
    }

    [Fact(Timeout = 30_000)]
    public async Task AProxyOverAServerAtTwoAddressesUsesTheSecondWhileTheFirstIsDown()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: a proxy in front of a server known by two addresses, the first down.
        await using var server = CtrafficServer.InProcess(s => s.HostName = "b");
        await using var proxy = FaultProxy.Start($"127.0.0.1:{FreePort()},{server.Address}", o => o.Udp = false);

        // When: several clients connect through it.
        var hosts = await HostsThroughAsync(proxy.Address, ct);

        // Then: each is served, whichever address its turn started at.
        hosts.Should().AllBe("b");
    }

    [Fact(Timeout = 30_000)]
    public async Task AHostNameIsResolvedAndServed()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: a balancer over a server known by a host name.
        await using var server = CtrafficServer.InProcess(s => s.HostName = "named");
        var port = IPEndPoint.Parse(server.Address).Port;
        await using var balancer = LoadBalancer.Start([CtrafficServer.External($"localhost:{port}")]);

        // When / Then: a client through it reaches the server.
        using var probe = await Probe.ConnectAsync(balancer.Address, ct);
        probe.Host.Should().Be("named");
    }

    [Fact]
    public void AServersAddressListIsParsedOnceIntoTypedAddresses()
    {
        var server = CtrafficServer.External("127.0.0.1:1, [::1]:2,localhost:3");

        var list = server.AddressList;

        list.Select(u => u.ToString()).Should().Equal("127.0.0.1:1", "[::1]:2", "localhost:3");
        list[0].EndPoint.Should().Be(new IPEndPoint(IPAddress.Loopback, 1));
        list[1].EndPoint.Should().Be(new IPEndPoint(IPAddress.IPv6Loopback, 2));
        list[2].EndPoint.Should().BeNull("a host name is resolved when connecting");
    }

    [Theory]
    [InlineData("127.0.0.1:1,nope")]
    [InlineData("")]
    public void ABadAddressListNamesTheEntry(string address)
    {
        var make = () => Upstream.ParseList(address);

        make.Should().Throw<ArgumentException>().WithMessage("Address: *");
    }

    /// <summary>The host names that answer four connections, one after the other, through <paramref name="address"/>.</summary>
    private static async Task<List<string>> HostsThroughAsync(string address, CancellationToken ct)
    {
        var hosts = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            using var probe = await Probe.ConnectAsync(address, ct);
            hosts.Add(probe.Host);
        }

        return hosts;
    }

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
