using FluentAssertions;

namespace Ctraffic.Testing.Tests.Faults;

[Collection(SerialFaultTests.Name)]
public class LatencyFaultTests
{
    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(100);

    [Fact(Timeout = 30_000)]
    public async Task A100MillisecondLatencyGivesAMedianRoundTripOf100Milliseconds()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: 10 connections of 5 packets a second through a proxy.
        await using var server = CtrafficServer.InProcess(s => s.HostName = "backend-1");
        await using var proxy = FaultProxy.Start(server);
        await using var traffic = CtrafficFixture.Start(o => { o.Server = proxy; o.RateKBps = 50; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: 100 ms downstream latency for 3 s.
        await proxy.ApplyForAsync(Fault.Latency(Latency), TimeSpan.FromSeconds(3), ct);
        traffic.Mark("latency off");
        var report = await traffic.StopAsync(ct);

        // Then: the median round trip in the window is the latency within 10 % — and, on a busy
        // machine, what the machine itself took before (its median round trip then: a fraction of
        // a millisecond when idle) — and nothing is lost.
        var window = report.Window("latency 100ms");
        var before = report.Before("latency 100ms");
        window.Rtt.P50.Should().BeGreaterThanOrEqualTo(Latency * 0.9)
            .And.BeLessThanOrEqualTo((Latency * 1.1) + before.Rtt.P50, $"{window.Rtt}; before: {before.Rtt}");
        before.Rtt.P50.Should().BeLessThan(TimeSpan.FromMilliseconds(50));
        window.Should().HaveLostNoConnections();
    }

    [Fact(Timeout = 30_000)]
    public async Task JitterSpreadsTheRoundTripsAndLosesNothing()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: a proxy with latency 50 ms ± 40 ms on both directions, before the traffic starts.
        await using var server = CtrafficServer.InProcess();
        await using var proxy = FaultProxy.Start(server);
        using var fault = proxy.Add(Fault.Latency(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(40), FaultDirection.Both));
        fault.Name.Should().Be("latency 50ms ±40ms both ways");

        // When: 4 connections send 5 packets a second each, until 60 echoes are back.
        await using var traffic = CtrafficFixture.Start(o => { o.Server = proxy; o.Connections = 4; o.RateKBps = 20; });
        (await Eventually.TrueAsync(() => traffic.Snapshot().Received >= 60, TimeSpan.FromSeconds(10))).Should().BeTrue();
        var report = await traffic.StopAsync(ct);

        // Then: every echo came back; no round trip was shorter than the two shortest delays
        // (2 × 10 ms), most were shorter than the two longest (2 × 90 ms, with room for a busy
        // machine), and they are spread.
        report.Should().HaveLostNoConnections();
        report.Received.Should().BeGreaterThanOrEqualTo(60);
        report.Rtt.Min.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(20));
        report.Rtt.P90.Should().BeLessThan(TimeSpan.FromMilliseconds(250), report.Rtt.ToString());
        (report.Rtt.P90 - report.Rtt.Min).Should().BeGreaterThan(TimeSpan.FromMilliseconds(20), "the jitter spreads them");
    }
}
