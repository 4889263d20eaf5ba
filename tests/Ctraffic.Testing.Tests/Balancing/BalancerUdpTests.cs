using Ctraffic.Client;
using Ctraffic.Reports;
using Ctraffic.Testing.Tests.Faults;
using FluentAssertions;

namespace Ctraffic.Testing.Tests.Balancing;

/// <summary>A balancer with <see cref="LoadBalancerOptions.Udp"/> spreads UDP client sources over its backends by its policy, and moves those of a backend that is gone.</summary>
[Collection(SerialFaultTests.Name)]
public class BalancerUdpTests
{
    [Fact(Timeout = 30_000)]
    public async Task UdpTrafficIsSpreadOverTheBackendsInTurnAndEchoed()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: two UDP echo servers behind a balancer that balances UDP.
        await using var one = CtrafficServer.InProcess(s => { s.HostName = "backend-1"; s.Udp = true; });
        await using var two = CtrafficServer.InProcess(s => { s.HostName = "backend-2"; s.Udp = true; });
        await using var balancer = LoadBalancer.Start([one, two], o => o.Udp = true);

        // When: 8 UDP connections run through it.
        await using var traffic = CtrafficFixture.Start(o => { o.Server = balancer; o.Protocol = TrafficProtocol.Udp; o.Connections = 8; o.RateKBps = 80; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);
        var report = await traffic.StopAsync(ct);

        // Then: every connection got its echoes, four from each backend.
        report.Should().HaveLostNoConnections();
        report.Received.Should().BeGreaterThan(8);
        report.Hosts.Where(h => h.Host != HostStatistics.NoReply).Select(h => (h.Host, h.Connections))
            .Should().BeEquivalentTo([("backend-1", 4), ("backend-2", 4)]);
    }

    [Fact(Timeout = 30_000)]
    public async Task UdpSourcesOfAKilledBackendArePickedAgainAndEchoedByTheOther()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: 8 UDP connections through a balancer over two UDP echo servers.
        await using var one = CtrafficServer.InProcess(s => { s.HostName = "backend-1"; s.Udp = true; });
        await using var two = CtrafficServer.InProcess(s => { s.HostName = "backend-2"; s.Udp = true; });
        await using var balancer = LoadBalancer.Start([one, two], o => o.Udp = true);
        await using var traffic = CtrafficFixture.Start(o => { o.Server = balancer; o.Protocol = TrafficProtocol.Udp; o.Connections = 8; o.RateKBps = 80; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: backend-1 is killed (its port answers with ICMP port unreachable).
        await one.KillAsync(ct);

        // Then: its sources are refused, picked again, and echoed by backend-2: the traffic recovers
        // and goes on without an outage.
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(10), ct);
        traffic.Mark("recovered");
        (await Eventually.TrueAsync(() => traffic.GetReport().After("recovered").Received >= 40, TimeSpan.FromSeconds(10)))
            .Should().BeTrue("the traffic flows on through backend-2");
        var report = await traffic.StopAsync(ct);
        report.Window("kill backend-1").Outages.Should().NotBeEmpty("the connections on backend-1 lost echoes until they were moved");
        report.After("recovered").Outages.Should().BeEmpty();
    }
}
