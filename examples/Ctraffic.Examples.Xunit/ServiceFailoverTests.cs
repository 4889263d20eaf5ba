using Ctraffic.Testing;

namespace Ctraffic.Examples;

/// <summary>
/// A Kubernetes Service on one machine: three backends, each in a network namespace, behind a
/// virtual IP made as kube-proxy's nftables mode makes it (DNAT over <c>numgen inc</c>). When an
/// endpoint is removed — the pod is no longer ready — the connections already made keep going to
/// it (conntrack remembers them); only new connections go elsewhere. Its clients are lost only
/// when the pod itself goes away.
/// </summary>
[Collection(KernelNetwork.Name)]
public class ServiceFailoverTests
{
    [Fact(Timeout = 90_000)]
    public async Task ARemovedEndpointKeepsItsConnectionsUntilItsServerGoesAway()
    {
        KernelNetwork.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;

        // Given: 9 connections to a service of three endpoints, three on each.
        await using var service = await ClusterIpService.StartAsync(3, cancellationToken: ct);
        var backend3 = service.Endpoints[2];
        await using var traffic = CtrafficFixture.Start(o =>
        {
            o.Server = service;
            o.Connections = 9;
        });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: backend-3 is taken out of the service (marks "remove endpoint backend-3"), runs on
        // for a second, and is then killed (marks "kill backend-3").
        await service.RemoveEndpointAsync(backend3, ct);
        await Task.Delay(TimeSpan.FromSeconds(1), ct); // the removed endpoint still serving
        await backend3.KillAsync(ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(10), ct);
        var report = await traffic.StopAsync(ct);

        // Then: removing the endpoint lost nothing: its three connections kept echoing from it ...
        var removed = report.Between("remove endpoint backend-3", "kill backend-3");
        removed.Should().HaveLostNoConnections();
        removed.Hosts.Should().Contain(h => h.Host == "backend-3" && h.Connections == 3);

        // ... the kill lost exactly those three, and they came back on the other endpoints.
        var kill = report.Window("kill backend-3");
        kill.Should().HaveLostConnections(3);
        kill.LostConnections.Should().OnlyContain(c => c.Host == "backend-3");
        kill.Reconnects.Should().HaveCount(3).And.OnlyContain(r => r.TimeToRecover != null);
        report.Hosts.Should().Contain(h => h.Host == "backend-1" && h.Connections >= 3)
            .And.Contain(h => h.Host == "backend-2" && h.Connections >= 3);
    }
}
