using Ctraffic.Testing;

namespace Ctraffic.Examples;

/// <summary>
/// The network between the clients and a backend slows down for two seconds. What do the clients
/// see? Round trips grow by the added latency while it lasts, and nothing is lost: no connection,
/// no packet.
/// </summary>
public class LatencySpikeTests
{
    private static readonly TimeSpan Spike = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task ALatencySpikeRaisesTheRoundTripsByTheLatencyAndLosesNothing()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: 20 connections, 2 packets a second each, to a server behind a fault proxy.
        await using var server = CtrafficServer.InProcess(s => s.HostName = "backend-1");
        await using var proxy = FaultProxy.Start(server);
        await using var traffic = CtrafficFixture.Start(o =>
        {
            o.Server = proxy;
            o.Connections = 20;
            o.RateKBps = 40;
        });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: the echoes are delayed by 200 ms for 2 s. The fault marks itself: the report has
        // a window "latency 200ms" from the moment it is switched on to the end of the run.
        await proxy.ApplyForAsync(Fault.Latency(Spike), TimeSpan.FromSeconds(2), ct);
        var report = await traffic.StopAsync(ct);

        // Then: in the window the slowest round trips are the latency plus what they were before ...
        var before = report.Before("latency 200ms");
        var spike = report.Window("latency 200ms");
        TestContext.Current.TestOutputHelper?.WriteLine($"before: {before.Rtt}; spike: {spike.Rtt}");
        spike.Rtt.P99.Should().BeGreaterThanOrEqualTo(Spike).And.BeLessThan(before.Rtt.P99 + Spike + TimeSpan.FromMilliseconds(100));

        // ... and nothing was lost from the spike on: every connection held and kept its pace, and
        // every packet was echoed (save those of a connection lost before, at the start).
        spike.Should().HaveLostNoConnections().And.HaveDroppedNoPacketsForLateEchoes();
        (report.Sent - report.Received).Should().Be(report.LostInFlight);
    }
}
