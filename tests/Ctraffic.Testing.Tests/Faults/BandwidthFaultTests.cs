using FluentAssertions;

namespace Ctraffic.Testing.Tests.Faults;

[Collection(SerialFaultTests.Name)]
public class BandwidthFaultTests
{
    [Fact(Timeout = 30_000)]
    public async Task ABandwidthLimitBoundsTheThroughputOfEachConnection()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: 2 connections asking for 50 KB/s each through a proxy.
        await using var server = CtrafficServer.InProcess();
        await using var proxy = FaultProxy.Start(server);
        await using var traffic = CtrafficFixture.Start(o => { o.Server = proxy; o.Connections = 2; o.RateKBps = 100; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: the echoes are limited to 10 KB/s per connection for 2 s.
        var before = proxy.GetStatistics().DownstreamWritten;
        var started = TimeProvider.System.GetTimestamp();
        await proxy.ApplyForAsync(Fault.Bandwidth(10), TimeSpan.FromSeconds(2), ct);
        var seconds = TimeProvider.System.GetElapsedTime(started).TotalSeconds;
        var written = proxy.GetStatistics().DownstreamWritten - before;
        traffic.Mark("bandwidth off");
        var report = await traffic.StopAsync(ct);

        // Then: the proxy wrote each connection at most 10 KB a second (and an echo that was
        // under way when the limit came), but a good part of that: the link was kept busy.
        var limit = 2 * 10 * 1024 * seconds;
        ((double)written).Should().BeLessThanOrEqualTo(limit + (2 * 1024)).And.BeGreaterThan(limit * 0.6);
        var window = report.Window("bandwidth 10KB/s");
        window.Rtt.P50.Should().BeGreaterThan(TimeSpan.FromMilliseconds(90), "a 1 KB echo takes 100 ms at 10 KB/s");
        window.Should().HaveLostNoConnections();
    }
}
