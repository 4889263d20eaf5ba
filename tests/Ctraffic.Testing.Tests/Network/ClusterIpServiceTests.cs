using Ctraffic.Testing.Network.Internal;
using FluentAssertions;

namespace Ctraffic.Testing.Tests.Network;

[Collection(KernelFaults.Name)]
public class ClusterIpServiceTests
{
    [Fact(Timeout = 60_000)]
    public async Task TheServiceSpreadsNewConnectionsOverItsEndpointsInTurn()
    {
        KernelFaults.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;

        // Given: a service of three endpoints behind a virtual IP (numgen inc).
        await using var service = await ClusterIpService.StartAsync(3, cancellationToken: ct);
        service.Address.Should().Be($"{service.VirtualIP}:5003");
        Subnets.IndexOf(service.VirtualIP).Should().BeGreaterThanOrEqualTo(0);

        // When: nine connections are made to the virtual IP.
        await using var traffic = CtrafficFixture.Start(o =>
        {
            o.Server = service;
            o.Connections = 9;
        });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);
        var report = await traffic.StopAsync(ct);

        // Then: each endpoint got three of them, all to the virtual IP.
        report.Hosts.Select(h => (h.Host, h.Connections)).Should().Equal(("backend-1", 3), ("backend-2", 3), ("backend-3", 3));
        report.Statistics.ConnStats.Should().OnlyContain(c => c.Remote == service.Address);
        report.Should().HaveLostNoConnections();
    }

    [Fact(Timeout = 90_000)]
    public async Task ARemovedEndpointKeepsItsConnectionsWhileNewOnesGoToTheOthersUntilItIsKilled()
    {
        KernelFaults.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;

        // Given: six connections through a service of three endpoints, two on each.
        await using var service = await ClusterIpService.StartAsync(3, cancellationToken: ct);
        var third = service.Endpoints[2];
        await using var old = CtrafficFixture.Start(o =>
        {
            o.Server = service;
            o.Connections = 6;
        });
        await old.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: backend-3 is taken out of the map, and new connections are made ...
        await service.RemoveEndpointAsync(third, ct);
        service.ActiveEndpoints.Should().HaveCount(2).And.NotContain(third);
        await using var fresh = CtrafficFixture.Start(o =>
        {
            o.Server = CtrafficServer.External(service.Address);
            o.Connections = 6;
        });
        await fresh.WaitForSteadyStateAsync(cancellationToken: ct);
        var freshReport = await fresh.StopAsync(ct);
        old.Mark("checked");

        // ... and then backend-3 is killed.
        await third.KillAsync(ct);
        await old.WaitForRecoveryAsync(TimeSpan.FromSeconds(10), ct);
        var report = await old.StopAsync(ct);

        // Then: no new connection went to backend-3 ...
        freshReport.Hosts.Select(h => h.Host).Should().Equal("backend-1", "backend-2");

        // ... its old connections kept echoing from it after the removal (conntrack) ...
        var removed = report.Between("remove endpoint backend-3", "checked");
        removed.Should().HaveLostNoConnections();
        removed.Hosts.Should().Contain(h => h.Host == "backend-3" && h.Connections == 2);
        report.Statistics.ConnStats.Where(c => c.Host == "backend-3").Should().OnlyContain(c => c.Received > 0);

        // ... until it was killed: they were lost, and came back on the other endpoints.
        var kill = report.Window("kill backend-3");
        kill.Should().HaveLostConnections(2);
        kill.LostConnections.Should().OnlyContain(c => c.Host == "backend-3");
        var killed = report.Marks.Single(m => m.Name == "kill backend-3").Time;
        report.Statistics.ConnStats.Where(c => c.Started > killed).Should().HaveCount(2)
            .And.OnlyContain(c => c.Host == "backend-1" || c.Host == "backend-2");
    }
}
