using Ctraffic.Testing;

namespace Ctraffic.Examples;

/// <summary>
/// The network loses 5 % of the packets, for real: the kernel of the server's namespace drops
/// them (nftables <c>numgen random</c>). TCP hides it — no connection is lost — but it shows as
/// retransmits and as a round-trip tail of a retransmission time-out (200 ms and more).
/// </summary>
[Collection(KernelNetwork.Name)]
public class PacketLossTests
{
    [Fact(Timeout = 90_000)]
    public async Task FivePercentPacketLossIsRetransmittedLosesNoConnectionAndStretchesTheRoundTripTail()
    {
        KernelNetwork.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;

        // Given: 20 connections of 20 packets a second to a server in a network namespace of its
        // own (198.18.x.2:5003, over a veth pair), with a 5 s TCP time-out.
        await using var server = await NamespaceServer.StartAsync(name: "backend-1", cancellationToken: ct);
        await using var traffic = CtrafficFixture.Start(o =>
        {
            o.Server = server;
            o.Connections = 20;
            o.RateKBps = 400;
            o.ReadTimeout = TimeSpan.FromSeconds(5);
        });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);
        await Task.Delay(TimeSpan.FromSeconds(2), ct); // round trips without loss, to compare

        // When: 5 % of the packets are dropped, both ways, for 5 s. The rule marks itself: the
        // report has a window "loss 5%".
        await server.Namespace.PacketLoss(5).ApplyForAsync(TimeSpan.FromSeconds(5), ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(10), ct);
        var report = await traffic.StopAsync(ct);

        // Then: nothing was lost, TCP retransmitted in the window (and not before it) ...
        report.Should().HaveLostNoConnections();
        var before = report.Before("loss 5%");
        var loss = report.Window("loss 5%");
        before.Retransmits.Should().Be(0);
        loss.Retransmits.Should().BeGreaterThan(0);

        // ... and the round-trip tail grew from well under a millisecond to a retransmission
        // time-out (at least 200 ms): about one round trip in ten had a packet retransmitted.
        before.Rtt.P90.Should().BeLessThan(TimeSpan.FromMilliseconds(50));
        loss.Rtt.P99.Should().BeGreaterThan(TimeSpan.FromMilliseconds(190));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"retransmits {loss.Retransmits} of {loss.Sent} packets; p90 {before.Rtt.P90.TotalMilliseconds:0.###} ms before, p99 {loss.Rtt.P99.TotalMilliseconds:0.#} ms in the window");
    }
}
