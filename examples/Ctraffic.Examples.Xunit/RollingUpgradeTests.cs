using Ctraffic.Reports;
using Ctraffic.Testing;

namespace Ctraffic.Examples;

/// <summary>
/// Every backend behind a load balancer is replaced by a new version, one by one, each old one
/// drained first. Clients lose a connection only when a drain's grace period ends, each comes
/// back within a second, and at the end every connection is on a new backend.
/// </summary>
public class RollingUpgradeTests
{
    [Fact]
    public async Task ARollingUpgradeWithDrainMovesEveryConnectionToANewBackend()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: 20 connections through a load balancer to four backends; a drained backend's
        // connections may go on for half a second before the balancer resets them.
        await using var backends = Backends.StartInProcess(4);
        await using var balancer = LoadBalancer.Start(backends, o => o.DrainGrace = TimeSpan.FromSeconds(0.5));
        await using var traffic = CtrafficFixture.Start(o =>
        {
            o.Server = balancer;
            o.Connections = 20;
            o.RateKBps = 200;
        });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: each backend is replaced by "backend-N-v2": start it, add it, drain the old one.
        // Each step marks itself: "upgrade backend-1" ... "upgrade backend-4".
        await balancer.RollingUpgradeAsync("v2", cancellationToken: ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), ct);
        var report = await traffic.StopAsync(ct);

        // Then: nothing was lost before the upgrade, only old backends lost connections during it
        // (a connection reset by a drain before its first reply has no host: NoHost) ...
        report.Before("upgrade backend-1").Should().HaveLostNoConnections();
        report.Should().HaveLostConnectionsOnlyOn("backend-1", "backend-2", "backend-3", "backend-4", HostChanges.NoHost);

        // ... every lost connection echoed again within a second, and all ended on a new backend.
        report.Should().HaveRecoveredWithin(TimeSpan.FromSeconds(1)).And.HaveEndedOnlyOn(h => h.EndsWith("-v2", StringComparison.Ordinal), "a new backend");
        report.Marks.Select(m => m.Name).Should().Contain(["upgrade backend-1", "upgrade backend-4"]);
    }
}
