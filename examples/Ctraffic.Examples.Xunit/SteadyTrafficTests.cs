using Ctraffic.Testing;

namespace Ctraffic.Examples;

/// <summary>
/// The baseline every resilience test needs: undisturbed traffic loses nothing and is fast. If
/// this fails, the machine or the network is the problem, not the disruption.
/// </summary>
public class SteadyTrafficTests
{
    [Fact]
    public async Task UndisturbedTrafficLosesNothingAndEchoesQuickly()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: 10 connections of 4 packets a second (40 KB/s of 1 KB packets), steady. A packet
        // is dropped when the echo of the one before is late, so the packet interval (250 ms)
        // also says how late an echo may be.
        await using var traffic = CtrafficFixture.Start(o =>
        {
            o.Connections = 10;
            o.RateKBps = 40;
        });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);
        traffic.Mark("steady");

        // When: it runs undisturbed for three seconds.
        await Task.Delay(TimeSpan.FromSeconds(3), ct); // the length of the measurement
        var report = await traffic.StopAsync(ct);

        // Then: no connection was lost, no packet dropped for a late echo (drops a busy machine
        // causes itself, when the sender wakes late, are not the network's), every packet echoed ...
        report.Should().HaveLostNoConnections()
            .And.HaveDroppedNoPacketsForLateEchoes()
            .And.HaveLostNoPackets();

        // ... and 99% of the round trips took at most 200 ms. On a quiet machine they take well
        // under a millisecond on loopback; the bound leaves room for a busy build machine, whose
        // scheduler stalls a process for tens of milliseconds. Set yours for your network.
        report.After("steady").Should().HaveRttPercentileAtMost(99, TimeSpan.FromMilliseconds(200));
    }
}
