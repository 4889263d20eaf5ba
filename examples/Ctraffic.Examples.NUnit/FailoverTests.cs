using Ctraffic.Testing;

namespace Ctraffic.Examples;

/// <summary>
/// One of four backends behind a load balancer crashes. Only its own connections are lost, each
/// of them comes back on one of the others within a second, and the others lose nothing.
/// </summary>
public class FailoverTests
{
    [Test]
    [CancelAfter(20_000)] // gives the test a cancellation token, and a time limit
    public async Task AKilledBackendLosesOnlyItsOwnConnectionsAndTheyReconnectToTheOthers()
    {
        var ct = TestContext.CurrentContext.CancellationToken;

        // Given: 40 connections through an in-process load balancer (round-robin) to four backends,
        // "backend-1" to "backend-4", ten connections each.
        await using var backends = Backends.StartInProcess(4);
        await using var balancer = LoadBalancer.Start(backends);
        await using var traffic = CtrafficFixture.Start(o =>
        {
            o.Server = balancer;
            o.Connections = 40;
            o.RateKBps = 400;
        });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: backend-2 crashes (it resets its connections; the balancer passes the resets on).
        // The kill marks itself on the traffic through the balancer: a window "kill backend-2".
        await backends[1].KillAsync(ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), ct);
        var kill = (await traffic.StopAsync(ct)).Window("kill backend-2");

        // Then: every connection of backend-2 was lost, and none elsewhere ...
        kill.Should().HaveLostEveryConnectionOn("backend-2").And.HaveLostConnectionsOnlyOn("backend-2");

        // ... and each came back on one of the others within a second.
        kill.Should().HaveReconnectedOnlyTo("backend-1", "backend-3", "backend-4").And.HaveRecoveredWithin(TimeSpan.FromSeconds(1));
    }
}
