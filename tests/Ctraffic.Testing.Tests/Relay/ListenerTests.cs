using System.Net.Sockets;
using FluentAssertions;

namespace Ctraffic.Testing.Tests.Relay;

public class ListenerTests
{
    [Fact]
    public async Task ASecondBalancerOnAPortInUseFailsInsteadOfSharingIt()
    {
        // Given: a balancer listening on a port.
        await using var backends = Backends.StartInProcess(1);
        await using var first = LoadBalancer.Start(backends);

        // When: another one is started on the same address.
        var second = () => LoadBalancer.Start(backends, o => o.Address = first.Address);

        // Then: it fails with "address in use" (SO_REUSEPORT would let it take part of the connections).
        second.Should().Throw<SocketException>().Which.SocketErrorCode.Should().Be(SocketError.AddressAlreadyInUse);
    }

    [Fact]
    public async Task ASecondProxyOnAPortInUseFailsInsteadOfSharingIt()
    {
        await using var server = CtrafficServer.InProcess();
        await using var first = FaultProxy.Start(server, o => o.Udp = false);

        var second = () => FaultProxy.Start(server, o => { o.Udp = false; o.Address = first.Address; });

        second.Should().Throw<SocketException>().Which.SocketErrorCode.Should().Be(SocketError.AddressAlreadyInUse);
    }

    [Fact(Timeout = 30_000)]
    public async Task AKilledBalancerStartsAgainOnItsPortAtOnce()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: a balancer with a connection open through it.
        await using var backends = Backends.StartInProcess(1);
        await using var balancer = LoadBalancer.Start(backends);
        using var probe = await Ctraffic.Testing.Tests.Balancing.Probe.ConnectAsync(balancer.Address, ct);

        // When: it is killed and started again.
        await balancer.KillAsync(ct);
        await balancer.StartAsync(ct);

        // Then: it listens on the same address again (SO_REUSEADDR), and serves.
        using var again = await Ctraffic.Testing.Tests.Balancing.Probe.ConnectAsync(balancer.Address, ct);
        again.Host.Should().Be("backend-1");
    }
}
