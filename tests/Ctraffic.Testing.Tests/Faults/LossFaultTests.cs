using Ctraffic.Client;
using FluentAssertions;

namespace Ctraffic.Testing.Tests.Faults;

[Collection(SerialFaultTests.Name)]
public class LossFaultTests
{
    private const double Loss = 0.1;

    [Fact(Timeout = 30_000)]
    public async Task TenPercentUdpLossLosesTenPercentOfTheDatagramsWithinTheBinomialBound()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: 20 UDP connections of 10 datagrams a second through a proxy.
        await using var server = CtrafficServer.InProcess(s => s.Udp = true);
        await using var proxy = FaultProxy.Start(server);
        await using var traffic = CtrafficFixture.Start(o => { o.Server = proxy; o.Protocol = TrafficProtocol.Udp; o.Connections = 20; o.RateKBps = 200; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: 10 % of the datagrams to the server are lost, each drawn alone, for 4 s.
        var fault = Fault.Loss(Loss, FaultDirection.Upstream);
        await proxy.ApplyForAsync(fault, TimeSpan.FromSeconds(4), ct);
        traffic.Mark("loss off");
        var report = await traffic.StopAsync(ct);

        // Then: of n datagrams sent in the window, Binomial(n, 0.1) got no echo: within 5 sigma
        // (and a datagram or two under way at either edge).
        var window = report.Window("loss 10% upstream");
        var n = window.Sent;
        var lost = window.Sent - window.Received;
        var sigma = Math.Sqrt(n * Loss * (1 - Loss));
        n.Should().BeGreaterThan(200);
        ((double)lost).Should().BeApproximately(n * Loss, (5 * sigma) + 2, window.ToString());
        report.Should().HaveLostNoConnections();
        proxy.GetStatistics().UdpSessions.Should().Be(20);
    }
}
