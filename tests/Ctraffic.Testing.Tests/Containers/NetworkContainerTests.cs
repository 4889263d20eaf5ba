using System.Net;
using Ctraffic.Reports;
using Ctraffic.Testing.Containers;
using FluentAssertions;

namespace Ctraffic.Testing.Tests;

/// <summary>Server containers on a network the test makes, reached at their own addresses (no port proxy).</summary>
public class NetworkContainerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ContainersOnATestNetworkAreReachedAtTheirOwnAddresses()
    {
        DockerEnvironment.Require();
        await using var network = await CtrafficNetwork.CreateAsync(Ct);
        await using var one = await CtrafficContainer.StartAsync(o => { o.HostName = "backend-1"; o.Network = network; }, Ct);
        await using var two = await CtrafficContainer.StartAsync(o => { o.HostName = "backend-2"; o.Network = network; }, Ct);

        await using var traffic = CtrafficFixture.Start(o => { o.Address = $"{one.Address},{two.Address}"; o.Connections = 4; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        var report = await traffic.StopAsync(Ct);

        network.Subnet.Should().MatchRegex(@"^198\.19\.\d+\.0/24$");
        IPEndPoint.Parse(one.Address).Address.ToString().Should().StartWith(network.Subnet[..^4]);
        one.HostPort.Should().Be(0, "no port proxy is involved");
        report.Should().HaveLostNoConnections().And.HaveLostNoPackets();
        report.Hosts.Select(h => (h.Host, h.Connections)).Should().Equal(("backend-1", 2), ("backend-2", 2));
    }

    [Fact]
    public async Task AKilledContainerRestartedInPlaceKeepsItsAddressAndItsConnectionsComeBack()
    {
        DockerEnvironment.Require();
        await using var network = await CtrafficNetwork.CreateAsync(Ct);
        await using var server = await CtrafficContainer.StartAsync(o => { o.HostName = "backend-1"; o.Network = network; }, Ct);
        var address = server.Address;
        await using var traffic = CtrafficFixture.Start(o => { o.Server = server; o.Connections = 5; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);

        await server.KillAsync(Ct);
        await server.StartAsync(Ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(15), Ct);
        var report = await traffic.StopAsync(Ct);

        server.Address.Should().Be(address);
        var kill = report.Window("kill backend-1");
        var killedAt = report.Marks.Single(m => m.Name == "kill backend-1").Time;
        kill.LostConnections.Where(c => c.Started < killedAt).Should().HaveCount(5, "every connection to the killed server is lost");
        // A connect made while the server dies can be accepted by its kernel and then reset, never
        // answered (no host); nothing else is lost.
        kill.LostConnections.Should().OnlyContain(c => c.Host == "backend-1" || c.Received == 0, "({0})", string.Join("; ", kill.LostConnections.Select(c => $"{c.Host} from {c.Started} received {c.Received}: {c.Error}")));
        // Those never-answered connects are the "(no reply)" entry; every lasting connection is on backend-1.
        report.Hosts.Where(h => h.Host != HostStatistics.NoReply).Should().ContainSingle().Which.Lasting.Should().Be(5);
        report.Hosts.Sum(h => h.Lasting).Should().Be(5);
        report.Should().HaveRecoveredAfter("kill backend-1", within: TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task ANetworkDisconnectOfTwoSecondsIsAnOutageOfAboutTwoSeconds()
    {
        DockerEnvironment.Require();
        await using var network = await CtrafficNetwork.CreateAsync(Ct);
        await using var server = await CtrafficContainer.StartAsync(o => { o.HostName = "backend-1"; o.Network = network; }, Ct);
        // A read time-out longer than the partition: TCP retransmits, and the connections survive it.
        await using var traffic = CtrafficFixture.Start(o => { o.Server = server; o.Connections = 5; o.ReadTimeout = TimeSpan.FromSeconds(10); });
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);

        await server.DisconnectForAsync(TimeSpan.FromSeconds(2), Ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(15), Ct);
        var report = await traffic.StopAsync(Ct);

        var partition = report.Window("disconnect backend-1");
        partition.Should().HaveLostNoConnections("TCP retransmits through a 2 s partition when the read time-out is longer");
        // At least the partition; at most the partition plus the retransmission back-off (0.2 + 0.4 + 0.8 + 1.6 s).
        partition.LongestRunOutage.Should().BeGreaterThan(TimeSpan.FromSeconds(1.8)).And.BeLessThan(TimeSpan.FromSeconds(4));
        partition.Retransmits.Should().BePositive();
    }

    [Fact]
    public async Task AClientInsideTheNetworkReachesTheServersByHostName()
    {
        DockerEnvironment.Require();
        await using var network = await CtrafficNetwork.CreateAsync(Ct);
        await using var server = await CtrafficContainer.StartAsync(o => { o.HostName = "backend-1"; o.Network = network; }, Ct);

        var stats = await CtrafficClientContainer.RunAsync(network, "backend-1:5003", o => { o.Connections = 4; o.RateKBps = 40; o.Duration = TimeSpan.FromSeconds(2); }, Ct);

        stats.FailedConnections.Should().Be(0);
        stats.Sent.Should().BePositive().And.Be(stats.Received);
        stats.ConnStats.Should().HaveCount(4).And.OnlyContain(c => c.Host == "backend-1");
    }
}
