using Ctraffic.Testing;
using Ctraffic.Testing.Containers;

namespace Ctraffic.Examples.Containers;

/// <summary>
/// A server container is cut off the network for two seconds. TCP retransmits; with a read
/// time-out longer than the cut, no connection is lost and the outage is the cut's length (plus at
/// most the retransmission back-off).
/// </summary>
public class ContainerPartitionTests
{
    [Fact]
    public async Task ATwoSecondNetworkDisconnectIsATwoSecondOutageThatNoConnectionDies()
    {
        Docker.Require();
        var ct = TestContext.Current.CancellationToken;

        // Given: a server container on a network of the test's own, 10 connections, and a read
        // time-out (10 s) longer than the disruption
        await using var network = await CtrafficNetwork.CreateAsync(ct);
        await using var server = await CtrafficContainer.StartAsync(o => { o.HostName = "backend-1"; o.Network = network; }, ct);
        await using var traffic = CtrafficFixture.Start(o => { o.Server = server; o.Connections = 10; o.ReadTimeout = TimeSpan.FromSeconds(10); });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: the container is disconnected from the network for 2 s (marks "disconnect backend-1")
        await server.DisconnectForAsync(TimeSpan.FromSeconds(2), ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(15), ct);
        var partition = (await traffic.StopAsync(ct)).Window("disconnect backend-1");

        // Then: nothing got through for about 2 s, TCP retransmitted, and no connection was lost
        partition.Should().HaveLostNoConnections();
        partition.LongestRunOutage.Should().BeGreaterThan(TimeSpan.FromSeconds(1.8)).And.BeLessThan(TimeSpan.FromSeconds(4));
        partition.Retransmits.Should().BePositive();
    }
}
