using Ctraffic.Testing;

namespace Ctraffic.Examples;

/// <summary>
/// A service level, not a count: one of four backends behind a load balancer crashes, and no
/// second of the run has less than 90 % of its due packets answered in time. A sliding window
/// catches a short outage that the whole run dilutes; checking that the kill really hit traffic
/// keeps the test from passing because the disruption missed.
/// </summary>
public class ServiceLevelTests
{
    [Fact]
    public async Task ACrashedBackendCostsNoSecondMoreThanATenthOfItsTraffic()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: 40 connections through a load balancer to four backends, ten packets a second each.
        await using var backends = Backends.StartInProcess(4);
        await using var balancer = LoadBalancer.Start(backends);
        await using var traffic = CtrafficFixture.Start(o => { o.Server = balancer; o.Connections = 40; o.RateKBps = 400; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: backend-2 crashes; its ten connections reconnect to the others.
        await backends[1].KillAsync(ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), ct);
        var report = await traffic.StopAsync(ct);

        // Then: the kill hit traffic (it cut backend-2's connections) ...
        report.Should().HaveHitTraffic("kill backend-2");

        // ... and in no second did more than a tenth of the due packets go unanswered: the crash cost
        // the packets in flight on backend-2's connections (10 of about 400 due in a second).
        report.Should().HaveNoWindowBelow(TimeSpan.FromSeconds(1), 90);
    }
}
