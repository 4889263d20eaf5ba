using Ctraffic.Testing;

namespace Ctraffic.Examples;

/// <summary>
/// HAProxy (the system under test) in front of three ctraffic servers; one crashes. Its
/// connections are lost, HAProxy sends them to the two others, and those lose nothing.
/// </summary>
public class HaproxyFailoverTests
{
    [Fact]
    public async Task HaproxySendsTheConnectionsOfAKilledBackendToTheOthers()
    {
        var ct = TestContext.Current.CancellationToken;
        if (HaproxyOptions.UnavailableReason is { } reason)
        {
            Assert.Skip(reason);
        }

        // Given: 30 connections through HAProxy (round-robin, health checks every 100 ms) to
        // three in-process backends.
        await using var backends = Backends.StartInProcess(3);
        await using var haproxy = await ProcessServer.StartHaproxyAsync(backends, cancellationToken: ct);
        await using var traffic = CtrafficFixture.Start(o =>
        {
            o.Server = haproxy;
            o.Connections = 30;
            o.RateKBps = 300;
        });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: backend-2 crashes; its kill marks itself on the traffic ("kill backend-2").
        await backends[1].KillAsync(ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), ct);
        var kill = (await traffic.StopAsync(ct)).Window("kill backend-2");

        // Then: the per-host statistics show where the traffic went: lost on backend-2 only,
        // back on backend-1 and backend-3 within two seconds.
        kill.Should().HaveLostConnectionsOnlyOn("backend-2").And.HaveLostEveryConnectionOn("backend-2");
        kill.Should().HaveReconnectedOnlyTo("backend-1", "backend-3").And.HaveRecoveredWithin(TimeSpan.FromSeconds(2));
    }
}
