using Ctraffic.Testing;

namespace Ctraffic.Examples;

/// <summary>
/// The server is cut off for 2 s: its namespace drops every packet (an nftables partition). With
/// a TCP time-out longer than the partition the connections survive; nothing gets through for
/// the partition and until each connection's next retransmission, then every one echoes again.
/// </summary>
[Collection(KernelNetwork.Name)]
public class PartitionTests
{
    private static readonly TimeSpan Partition = TimeSpan.FromSeconds(2);

    [Fact(Timeout = 60_000)]
    public async Task ConnectionsSurviveATwoSecondPartitionAndEchoAgainAfterIt()
    {
        KernelNetwork.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;

        // Given: 10 connections of 20 packets a second to a server in a namespace, with a TCP
        // time-out of 5 s (the default 1 s would lose every connection in a 2 s partition).
        await using var server = await NamespaceServer.StartAsync(name: "backend-1", cancellationToken: ct);
        await using var traffic = CtrafficFixture.Start(o =>
        {
            o.Server = server;
            o.Connections = 10;
            o.RateKBps = 200;
            o.ReadTimeout = TimeSpan.FromSeconds(5);
        });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: every packet to and from the server is dropped for 2 s (marks "partition").
        await server.Namespace.Partition().ApplyForAsync(Partition, ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), ct);
        var report = await traffic.StopAsync(ct);

        // Then: no connection was lost ...
        report.Should().HaveLostNoConnections();

        // ... nothing got through for the partition (measured from the first echo missed) ...
        var window = report.Window("partition");
        window.LongestRunOutage.Should().BeGreaterThan(Partition - report.PacketInterval);

        // ... and every connection echoed again at its next retransmission: TCP backs off from
        // its time-out R of about 200 ms (retransmits at R, 3R, 7R, 15R after the loss), so a 2 s
        // partition is an outage of 15R, about 3 to 3.5 s (at most 4.3 s, when 7R reaches 2 s).
        window.Should().HaveNoOutageLongerThan(Partition + TimeSpan.FromSeconds(2.5));
        window.Retransmits.Should().BeGreaterThan(0);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"run outage {window.LongestRunOutage.TotalSeconds:0.00} s, longest outage {window.LongestOutage.TotalSeconds:0.00} s, retransmits {window.Retransmits}");
    }
}
