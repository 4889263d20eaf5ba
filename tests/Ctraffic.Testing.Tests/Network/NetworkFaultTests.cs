using Ctraffic.Client;
using FluentAssertions;

namespace Ctraffic.Testing.Tests.Network;

[Collection(KernelFaults.Name)]
public class NetworkFaultTests
{
    [Fact(Timeout = 90_000)]
    public async Task FivePercentPacketLossCausesRetransmitsInItsWindowAndLosesNoConnection()
    {
        KernelFaults.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;

        // Given: 20 connections of 20 packets a second to a server in a namespace, with a TCP
        // time-out (5 s) longer than a few retransmissions in a row.
        await using var server = await NamespaceServer.StartAsync(name: "lossy", cancellationToken: ct);
        await using var traffic = CtrafficFixture.Start(o =>
        {
            o.Server = server;
            o.Connections = 20;
            o.RateKBps = 400;
            o.ReadTimeout = TimeSpan.FromSeconds(5);
        });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: 5 % of the packets are dropped both ways for 3 s.
        await server.Namespace.PacketLoss(5).ApplyForAsync(TimeSpan.FromSeconds(3), ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(10), ct);
        var report = await traffic.StopAsync(ct);

        // Then: TCP retransmitted in the window and not before it, and no connection was lost.
        report.Before("loss 5%").Retransmits.Should().Be(0);
        report.Window("loss 5%").Retransmits.Should().BeGreaterThan(0);
        report.Should().HaveLostNoConnections();
    }

    [Fact(Timeout = 60_000)]
    public async Task APartitionOfTwoSecondsIsARunOutageOfTwoSecondsAndTrafficRecoversAfterIt()
    {
        KernelFaults.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;

        // Given: UDP, 10 sockets of 20 datagrams a second (50 ms apart), each given up after
        // 100 ms: no retransmission, so the outage is the partition itself, to a packet interval.
        await using var server = await NamespaceServer.StartAsync(o => o.Udp = true, "partitioned", ct);
        await using var traffic = CtrafficFixture.Start(o =>
        {
            o.Server = server;
            o.Protocol = TrafficProtocol.Udp;
            o.Connections = 10;
            o.RateKBps = 200;
            o.ReadTimeout = TimeSpan.FromMilliseconds(100);
        });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: nothing gets through for 2 s.
        await server.Namespace.Partition().ApplyForAsync(TimeSpan.FromSeconds(2), ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), ct);
        var report = await traffic.StopAsync(ct);

        // Then: one run outage of 2 s ± 0.3 s, the datagrams of it lost, and all echo again.
        var window = report.Window("partition");
        window.RunOutages.Should().ContainSingle();
        window.LongestRunOutage.Should().BeCloseTo(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(300));
        window.Lost.Should().BeGreaterThan(0);
        report.Before("partition").Lost.Should().Be(0);
        report.Should().HaveLostNoConnections();
    }

    [Fact(Timeout = 60_000)]
    public async Task TcpConnectionsSurviveATwoSecondPartitionAndEchoAgainAfterTheirNextRetransmission()
    {
        KernelFaults.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;

        // Given: 10 TCP connections of 20 packets a second, with a 5 s TCP time-out.
        await using var server = await NamespaceServer.StartAsync(name: "partitioned", cancellationToken: ct);
        await using var traffic = CtrafficFixture.Start(o =>
        {
            o.Server = server;
            o.Connections = 10;
            o.RateKBps = 200;
            o.ReadTimeout = TimeSpan.FromSeconds(5);
        });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: nothing gets through for 2 s.
        await server.Namespace.Partition().ApplyForAsync(TimeSpan.FromSeconds(2), ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), ct);
        var report = await traffic.StopAsync(ct);

        // Then: no connection was lost; the outage is the partition and, at most, the wait for the
        // next retransmission (exponential backoff from 200 ms: at 0.2, 0.6, 1.4, 3.0 s ...).
        report.Should().HaveLostNoConnections();
        var window = report.Window("partition");
        window.LongestRunOutage.Should().BeGreaterThan(TimeSpan.FromSeconds(2) - report.PacketInterval);
        window.Should().HaveNoOutageLongerThan(TimeSpan.FromSeconds(3.5));
        window.Retransmits.Should().BeGreaterThanOrEqualTo(10);
    }

    [Fact(Timeout = 60_000)]
    public async Task ARateLimitBelowTheTrafficRateCausesRetransmitsAndRemovingItLeavesNoRule()
    {
        KernelFaults.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;

        // Given: 10 connections of 20 packets a second (200 a second each way, plus ACKs).
        await using var server = await NamespaceServer.StartAsync(name: "limited", cancellationToken: ct);
        await using var traffic = CtrafficFixture.Start(o =>
        {
            o.Server = server;
            o.Connections = 10;
            o.RateKBps = 200;
            o.ReadTimeout = TimeSpan.FromSeconds(5);
        });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: the server's answers are limited to 100 packets a second for 2 s.
        var limit = server.Namespace.RateLimit(100, NetworkDirection.FromServer);
        await limit.ApplyAsync(ct);
        Kernel.Rules(server.Namespace.Name).Should().Contain("oifname \"eth0\" limit rate over 100/second drop");
        await Task.Delay(TimeSpan.FromSeconds(2), ct); // the time under the limit
        await limit.RemoveAsync(ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(10), ct);
        var report = await traffic.StopAsync(ct);

        // Then: the drops made retransmits in its window, and the rule is gone.
        report.Window("rate 100/s from server").Retransmits.Should().BeGreaterThan(0);
        Kernel.Rules(server.Namespace.Name).Should().NotContain("drop");
        limit.IsApplied.Should().BeFalse();
    }
}
