using Ctraffic.Testing.Tests.Faults;
using FluentAssertions;

namespace Ctraffic.Testing.Tests.Balancing;

/// <summary>A balancer carries the faults a proxy makes, marked on the traffic the same way, whichever backend a connection is on.</summary>
[Collection(SerialFaultTests.Name)]
public class BalancerFaultTests
{
    [Fact(Timeout = 30_000)]
    public async Task AResetOnTheBalancerFailsEveryConnectionInItsWindowAndIsCountedThere()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: 10 connections through a balancer over two backends.
        await using var backends = Backends.StartInProcess(2);
        await using var balancer = LoadBalancer.Start(backends);
        await using var traffic = CtrafficFixture.Start(o => { o.Server = balancer; o.Connections = 10; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);
        traffic.Mark("steady");

        // When: the balancer resets connections for half a second.
        await balancer.ApplyForAsync(Fault.Reset(), TimeSpan.FromSeconds(0.5), ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), ct);
        var report = await traffic.StopAsync(ct);

        // Then: every connection failed with a reset in the fault's window, and came back.
        var window = report.Window("reset");
        window.LostConnections.Select(c => c.Connection).Distinct().Should().HaveCount(10);
        window.LostConnections.Should().OnlyContain(c => c.Error!.Contains("connection reset by peer"));
        report.Between("steady", "reset").Should().HaveLostNoConnections("the balancer loses nothing without a fault");
        balancer.Faults.Should().BeEmpty();

        // and the fault's disruption says what crossed it on the balancer, as a proxy's does.
        var effect = report.Disruptions.Single(d => d.Name == "reset");
        effect.Contact!.Source.Should().Be("balancer");
        effect.Contact.Connections.Should().BeGreaterThanOrEqualTo(10);
        report.Should().HaveHitTraffic("reset");
    }

    [Fact(Timeout = 30_000)]
    public async Task ABlackholeOnTheBalancerStopsTheEchoesUntilItIsCleared()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: 4 connections of 10 packets a second through a balancer over two backends.
        await using var backends = Backends.StartInProcess(2);
        await using var balancer = LoadBalancer.Start(backends, o => o.Policy = BalancingPolicy.LeastConnections);
        await using var traffic = CtrafficFixture.Start(o => { o.Server = balancer; o.Connections = 4; o.RateKBps = 40; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: a blackhole is switched on, seen by the traffic, and cleared.
        var fault = balancer.Add(Fault.Blackhole());
        balancer.Faults.Should().Equal(fault);
        (await Eventually.TrueAsync(() => traffic.GetReport().Window("blackhole").Outages.Count >= 4, TimeSpan.FromSeconds(10)))
            .Should().BeTrue("every connection stops getting echoes while the blackhole is on");
        balancer.Clear();
        traffic.Mark("cleared");
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(10), ct);
        traffic.Mark("recovered");
        (await Eventually.TrueAsync(() => traffic.GetReport().After("recovered").Received >= 20, TimeSpan.FromSeconds(10)))
            .Should().BeTrue("the traffic flows again once the fault is cleared");
        var report = await traffic.StopAsync(ct);

        // Then: nothing was echoed in the fault's window after its start, the fault is off, and the
        // traffic after the recovery is whole.
        fault.IsActive.Should().BeFalse();
        balancer.Faults.Should().BeEmpty();
        report.Window("blackhole").Outages.Select(o => o.Connection).Distinct().Should().HaveCount(4);
        report.Disruptions.Single(d => d.Name == "blackhole").Contact!.Connections.Should().BeGreaterThanOrEqualTo(4);
        var after = report.After("recovered");
        after.Received.Should().BeGreaterThanOrEqualTo(20);
        after.Should().HaveLostNoConnections("the blackhole is off");
        after.Outages.Should().BeEmpty();
    }

    [Fact(Timeout = 30_000)]
    public async Task ARefuseOnTheBalancerRefusesConnectsUntilItIsOffAndAKillMeanwhileKeepsItClosed()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: a balancer over one backend, with one connection open through it.
        await using var backends = Backends.StartInProcess(1);
        await using var balancer = LoadBalancer.Start(backends);
        using var open = await Probe.ConnectAsync(balancer.Address, ct);

        // When: it refuses every connection.
        var refuse = balancer.Add(Fault.Refuse());

        // Then: a new connect is refused, the open connection still echoes, and the balancer runs.
        await ConnectRefusedAsync(balancer.Address, ct);
        (await open.EchoAsync(new byte[64], ct)).Should().HaveCount(64);
        balancer.IsRunning.Should().BeTrue();

        // When: it is killed while refusing, and the fault switched off: it stays down until started.
        await balancer.KillAsync(ct);
        refuse.Dispose();
        balancer.IsRunning.Should().BeFalse();
        await ConnectRefusedAsync(balancer.Address, ct);
        await balancer.StartAsync(ct);

        // Then: it takes connections again.
        using var again = await Probe.ConnectAsync(balancer.Address, ct);
        again.Host.Should().Be("backend-1");
    }

    private static async Task ConnectRefusedAsync(string address, CancellationToken ct)
    {
        var connect = () => Probe.ConnectAsync(address, ct);
        (await connect.Should().ThrowAsync<System.Net.Sockets.SocketException>())
            .Which.SocketErrorCode.Should().Be(System.Net.Sockets.SocketError.ConnectionRefused);
    }
}
