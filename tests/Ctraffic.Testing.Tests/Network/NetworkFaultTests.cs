using Ctraffic.Client;
using FluentAssertions;
using Microsoft.Extensions.Time.Testing;

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
        await using var steady = await SteadyAsync("lossy", connections: 20, rateKBps: 400, TimeSpan.FromSeconds(5), ct);
        var (server, traffic) = (steady.Server, steady.Traffic);

        // When: 5 % of the packets are dropped both ways for 3 s.
        await server.Namespace.PacketLoss(5).ApplyForAsync(TimeSpan.FromSeconds(3), ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(10), ct);
        var report = await traffic.StopAsync(ct);

        // Then: TCP retransmitted in the window and not before it, and no connection was lost.
        report.Before("loss 5%").Retransmits.Should().Be(0);
        var loss = report.Window("loss 5%");
        loss.Retransmits.Should().BeGreaterThan(0);
        report.Should().HaveLostNoConnections();
        TestContext.Current.TestOutputHelper?.WriteLine($"loss 5%: retransmits {loss.Retransmits} of {loss.Sent} packets, rtt {loss.Rtt}");
    }

    [Fact(Timeout = 60_000)]
    public async Task APartitionOfTwoSecondsIsARunOutageOfTwoSecondsAndTrafficRecoversAfterIt()
    {
        KernelFaults.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;

        // Given: UDP, 10 sockets of 20 datagrams a second (50 ms apart), each given up after
        // 100 ms: no retransmission, so the outage is the partition itself, to a packet interval.
        await using var steady = await SteadyAsync("partitioned", connections: 10, rateKBps: 200, TimeSpan.FromMilliseconds(100), ct, udp: true);
        var (server, traffic) = (steady.Server, steady.Traffic);

        // When: nothing gets through for 2 s; then a loss in a namespace the traffic does not cross.
        await server.Namespace.Partition().ApplyForAsync(TimeSpan.FromSeconds(2), ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), ct);
        await using (var aside = await NetworkNamespace.CreateAsync(ct))
        using (aside.RecordOn(traffic))
        {
            await aside.PacketLoss(50).ApplyForAsync(TimeSpan.FromSeconds(0.3), ct);
        }

        var report = await traffic.StopAsync(ct);

        // Then: the rule was in for 2 s and the time nft takes to delete it (the span of the mark,
        // from nft's return to nft's return) ...
        var mark = report.Marks.Single(m => m.Name == "partition");
        var lasted = mark.End!.Value - mark.Time;
        lasted.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(2));

        // ... one run outage as long, ± 0.3 s (a busy machine may add short ones of its own), the
        // datagrams of it lost, none before it (up to the 100 ms slice it started in), and all echo again.
        var window = report.Window("partition");
        window.RunOutages.Where(o => o.Duration > TimeSpan.FromSeconds(1)).Should().ContainSingle();
        window.LongestRunOutage.Should().BeCloseTo(lasted, TimeSpan.FromMilliseconds(300));
        window.Lost.Should().BeGreaterThan(0);
        report.Between(TimeSpan.Zero, mark.Time - TimeSpan.FromMilliseconds(200)).Lost.Should().Be(0);
        report.Should().HaveLostNoConnections();

        // The fault counted the datagrams that crossed it: most of those lost in the window (not
        // exactly: one given up by its 100 ms read time-out at an edge of the window need not have
        // crossed the rule); the loss no traffic crossed is called out.
        var dropped = report.Disruptions.Single(d => d.Name == "partition").Contact!;
        dropped.Packets.Should().BeGreaterThan(window.Lost / 2);
        dropped.Bytes.Should().BeGreaterThan(dropped.Packets * 28, "a UDP datagram carries more than its headers");
        dropped.Source.Should().Be($"nftables in {server.Namespace.Name}");
        report.Should().HaveHitTraffic("partition");
        var missed = report.Disruptions.Single(d => d.Name == "loss 50%");
        missed.TouchedTraffic.Should().BeFalse();
        missed.Contact!.ToString().Should().StartWith("no traffic crossed it on nftables in ");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"UDP partition {lasted.TotalSeconds:0.000} s: {dropped}; run outage {window.LongestRunOutage.TotalSeconds:0.000} s, lost {window.Lost} of {window.Sent}");
    }

    [Fact(Timeout = 60_000)]
    public async Task TcpConnectionsSurviveATwoSecondPartitionAndEchoAgainAfterTheirNextRetransmission()
    {
        KernelFaults.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;

        // Given: 10 TCP connections of 20 packets a second, with a 5 s TCP time-out.
        await using var steady = await SteadyAsync("partitioned", connections: 10, rateKBps: 200, TimeSpan.FromSeconds(5), ct);
        var (server, traffic) = (steady.Server, steady.Traffic);

        // When: nothing gets through for 2 s; then a loss in a namespace the traffic does not cross.
        await server.Namespace.Partition().ApplyForAsync(TimeSpan.FromSeconds(2), ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), ct);
        await using (var aside = await NetworkNamespace.CreateAsync(ct))
        using (aside.RecordOn(traffic))
        {
            await aside.PacketLoss(50).ApplyForAsync(TimeSpan.FromSeconds(0.3), ct);
        }

        var report = await traffic.StopAsync(ct);

        // Then: no connection was lost; the outage is the partition and the wait for the next
        // retransmission (backoff from a time-out R of about 200 ms: at R, 3R, 7R, 15R; 15R is
        // at most 4.3 s, since with R over 0.286 s 7R reaches 2 s).
        report.Should().HaveLostNoConnections();
        var window = report.Window("partition");
        window.LongestRunOutage.Should().BeGreaterThan(TimeSpan.FromSeconds(2) - report.PacketInterval);
        window.Should().HaveNoOutageLongerThan(TimeSpan.FromSeconds(4.5));
        window.Retransmits.Should().BeGreaterThanOrEqualTo(10);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"TCP partition: run outage {window.LongestRunOutage.TotalSeconds:0.000} s, longest {window.LongestOutage.TotalSeconds:0.000} s, retransmits {window.Retransmits}");
    }

    [Fact(Timeout = 60_000)]
    public async Task ARateLimitBelowTheTrafficRateCausesRetransmitsAndRemovingItLeavesNoRule()
    {
        KernelFaults.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;

        // Given: 10 connections of 20 packets a second (200 a second each way, plus ACKs).
        await using var steady = await SteadyAsync("limited", connections: 10, rateKBps: 200, TimeSpan.FromSeconds(5), ct);
        var (server, traffic) = (steady.Server, steady.Traffic);

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
        Kernel.FaultRules(server.Namespace.Name).Should().NotContain("drop");
        limit.IsApplied.Should().BeFalse();
    }

    [Fact(Timeout = 30_000)]
    public async Task ApplyForWaitsOnTheNamespacesClock()
    {
        KernelFaults.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;

        // Given: a namespace on a fake clock, and a partition applied in it for 10 s of that clock
        var clock = new FakeTimeProvider();
        await using var ns = await NetworkNamespace.CreateAsync(ct);
        ns.TimeProvider = clock;
        var partition = ns.Partition();
        var applying = partition.ApplyForAsync(TimeSpan.FromSeconds(10), ct);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!partition.IsApplied && !applying.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, ct);
        }

        partition.IsApplied.Should().BeTrue();

        // When: the clock moves on by less than the 10 s, then by the rest
        clock.Advance(TimeSpan.FromSeconds(9.9));
        var before = applying.IsCompleted;
        var rulesBefore = Kernel.FaultRules(ns.Name);
        clock.Advance(TimeSpan.FromSeconds(0.1));
        await applying.WaitAsync(TimeSpan.FromSeconds(10), ct);

        // Then: the rule stays in until the clock has moved 10 s on, whatever the real time, and is gone after
        before.Should().BeFalse();
        rulesBefore.Should().Contain("drop");
        partition.IsApplied.Should().BeFalse();
        Kernel.FaultRules(ns.Name).Should().NotContain("drop");
    }

    [Fact(Timeout = 30_000)]
    public async Task ANamespaceServersFaultsWaitOnTheServersClock()
    {
        KernelFaults.SkipUnlessAvailable();
        var clock = new FakeTimeProvider();

        await using var server = await NamespaceServer.StartAsync(o => o.TimeProvider = clock, "clocked", TestContext.Current.CancellationToken);

        server.Namespace.TimeProvider.Should().BeSameAs(clock);
    }

    /// <summary>
    /// A server in a new namespace <paramref name="name"/> and traffic to it in steady state:
    /// <paramref name="connections"/> at <paramref name="rateKBps"/> in all, each connection (or UDP
    /// socket) giving up after <paramref name="readTimeout"/>.
    /// </summary>
    private static async Task<Steady> SteadyAsync(string name, int connections, int rateKBps, TimeSpan readTimeout, CancellationToken ct, bool udp = false)
    {
        var server = await NamespaceServer.StartAsync(o => o.Udp = udp, name, ct);
        var traffic = CtrafficFixture.Start(o =>
        {
            o.Server = server;
            o.Protocol = udp ? TrafficProtocol.Udp : TrafficProtocol.Tcp;
            o.Connections = connections;
            o.RateKBps = rateKBps;
            o.ReadTimeout = readTimeout;
        });
        var steady = new Steady(server, traffic);
        try
        {
            await traffic.WaitForSteadyStateAsync(cancellationToken: ct);
            return steady;
        }
        catch
        {
            await steady.DisposeAsync();
            throw;
        }
    }

    private sealed record Steady(NamespaceServer Server, ContinuousTraffic Traffic) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Traffic.DisposeAsync();
            await Server.DisposeAsync();
        }
    }
}
