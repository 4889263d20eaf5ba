using Ctraffic.Testing;

namespace Ctraffic.Examples;

/// <summary>
/// The network to one of three backends behind a load balancer swallows everything for two
/// seconds. Its connections see no echo and give up after the read time-out; the others lose
/// nothing; once the network is back, every connection echoes again.
/// </summary>
public class BlackholeBehindBalancerTests
{
    [Fact]
    public async Task ABlackholedBackendLosesOnlyItsOwnConnections()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: three backends behind the balancer, the path to backend-2 through a fault proxy,
        // and 30 connections (ten each)
        await using var backends = Backends.StartInProcess(3);
        await using var path = FaultProxy.Start(backends[1]);
        await using var balancer = LoadBalancer.Start([backends[0], path, backends[2]]);
        await using var traffic = CtrafficFixture.Start(o => { o.Server = balancer; o.Connections = 30; o.RateKBps = 300; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: the path to backend-2 swallows every byte for 2 s (marks "blackhole")
        await path.ApplyForAsync(Fault.Blackhole(), TimeSpan.FromSeconds(2), ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(10), ct);
        var blackhole = (await traffic.StopAsync(ct)).Window("blackhole");

        // Then: every connection of backend-2 was lost (1 s read time-out) and none of the others;
        // a re-connect that the balancer sent into the blackhole never got the server's handshake,
        // so it was lost on no host
        blackhole.Should().HaveLostEveryConnectionOn("backend-2");
        blackhole.LostConnections.Should().OnlyContain(c => c.Host == "backend-2" || c.Host.Length == 0);

        // ... and once the path was back, every connection echoed again
        blackhole.Should().HaveRecoveredWithin(TimeSpan.FromSeconds(5));
    }
}
