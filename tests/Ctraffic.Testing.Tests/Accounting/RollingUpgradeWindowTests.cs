using Ctraffic.Reports;
using FluentAssertions;

namespace Ctraffic.Testing.Tests.Accounting;

/// <summary>Each step of a rolling upgrade owns its losses: a connection's end is seen when it happens, not at its next packet in the next step.</summary>
[Collection(Faults.SerialFaultTests.Name)]
public class RollingUpgradeWindowTests
{
    [Fact(Timeout = 60_000)]
    public async Task EachStepsWindowHoldsExactlyItsBackendsLosses()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: 30 connections of 10 packets a second over three backends; a drain resets what is
        // left on a backend after 1 s.
        await using var backends = Backends.StartInProcess(3);
        await using var balancer = LoadBalancer.Start(backends, o => o.DrainGrace = TimeSpan.FromSeconds(1));
        await using var traffic = CtrafficFixture.Start(o => { o.Server = balancer; o.Connections = 30; o.RateKBps = 300; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: the three are upgraded one after the other
        await balancer.RollingUpgradeAsync("v2", cancellationToken: ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), ct);
        var report = await traffic.StopAsync(ct);

        // Then: each step lost every connection its backend had when it began, and none of another host
        var total = 0;
        for (var i = 1; i <= 3; i++)
        {
            var step = report.Window($"upgrade backend-{i}");
            step.Should().HaveLostConnectionsOnlyOn($"backend-{i}").And.HaveLostEveryConnectionOn($"backend-{i}");
            var changes = HostChanges.Of(step);
            changes.LostOn($"backend-{i}").Should().Be(changes.OpenAtStartOn($"backend-{i}"), changes.ToString());
            total += changes.LostCount;
        }

        total.Should().Be(report.LostConnections.Count, "every loss of the run is in one of the steps");
        report.Hosts.Sum(h => h.Lost).Should().Be(report.LostConnections.Count, "the hosts account for every lost connection");
    }
}
