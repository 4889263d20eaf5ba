using FluentAssertions;

namespace Ctraffic.Testing.Tests.Faults;

[Collection(SerialFaultTests.Name)]
public class SlicerFaultTests
{
    [Fact(Timeout = 30_000)]
    public async Task SlicedWritesStillCarryEveryByte()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: 10 connections through a proxy that writes in pieces of 7 bytes both ways.
        await using var server = CtrafficServer.InProcess();
        await using var proxy = FaultProxy.Start(server);
        using var fault = proxy.Add(Fault.Slicer(7));

        // When: they run until 200 echoes are back, and stop.
        await using var traffic = CtrafficFixture.Start(o => o.Server = proxy);
        (await Eventually.TrueAsync(() => traffic.Snapshot().Received >= 200, TimeSpan.FromSeconds(10))).Should().BeTrue();
        var report = await traffic.StopAsync(ct);
        (await Eventually.TrueAsync(() => proxy.GetStatistics().Connections == 0, TimeSpan.FromSeconds(5))).Should().BeTrue();

        // Then: nothing was lost: the proxy wrote each way every byte it read, the server got every
        // packet written, and the client every echo (save one in flight per connection at the stop).
        report.Should().HaveLostNoConnections();
        var stats = proxy.GetStatistics();
        stats.UpstreamWritten.Should().Be(stats.UpstreamRead).And.Be(report.Sent * 1024);
        stats.DownstreamWritten.Should().Be(stats.DownstreamRead);
        stats.DownstreamWritten.Should().BeInRange(report.Received * 1024, report.Sent * 1024);
    }
}
