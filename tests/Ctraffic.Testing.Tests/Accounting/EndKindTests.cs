using System.Net;
using System.Net.Sockets;
using Ctraffic.Reports;
using Ctraffic.Statistics;
using FluentAssertions;

namespace Ctraffic.Testing.Tests.Accounting;

/// <summary>How connections end, seen for real: a RST kill, a graceful stop (FIN), a blackhole with a read time-out, a refused connect; and how soon an end is seen.</summary>
[Collection(Faults.SerialFaultTests.Name)]
public class EndKindTests
{
    [Fact(Timeout = 30_000)]
    public async Task AKillResetsEveryConnectionAndTheWatchSeesItAtOnce()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: 4 connections of one packet a second each, so that the next packet is up to a second away
        await using var server = CtrafficServer.InProcess(s => s.HostName = "backend-1");
        await using var traffic = CtrafficFixture.Start(o => { o.Server = server; o.Connections = 4; o.RateKBps = 4; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: the server is killed (RST on every connection)
        await server.KillAsync(ct);
        await server.StartAsync(ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(10), ct);
        var report = await traffic.StopAsync(ct);

        // Then: all 4 were lost by a reset, seen within 100 ms of the kill's start, not at their next packet
        var window = report.Window("kill backend-1");
        window.Should().HaveLostConnections(4).And.HaveLostConnectionsOnlyBy(ConnectionEndKind.Reset)
            .And.HaveLostConnectionsOnlyBetween(TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
        window.LostConnectionsByKind.Select(k => (k.Key, k.Value)).Should().Equal((ConnectionEndKind.Reset, 4));
        window.PacketsLost.Should().BeLessThanOrEqualTo(2, "only a packet in flight at the kill is lost (found at the next packet, the end would cost every connection its next one)");
        TestContext.Current.TestOutputHelper?.WriteLine($"reset seen {(window.LostConnections.Max(c => c.Ended) - window.Period.Start).TotalMilliseconds:0.0} ms after the kill began");
    }

    [Fact(Timeout = 30_000)]
    public async Task AGracefulStopClosesEveryConnectionWithAFinSeenAtOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = CtrafficServer.InProcess(s => s.HostName = "backend-1");
        await using var traffic = CtrafficFixture.Start(o => { o.Server = server; o.Connections = 4; o.RateKBps = 4; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        await server.StopAsync(ct);
        await server.StartAsync(ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(10), ct);
        var report = await traffic.StopAsync(ct);

        var window = report.Window("stop backend-1");
        window.Should().HaveLostConnections(4).And.HaveLostConnectionsOnlyBy(ConnectionEndKind.PeerClosed)
            .And.HaveLostConnectionsOnlyBetween(TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
        window.LostConnections.Should().OnlyContain(c => c.Error == "EOF", "the original's text stays");
        window.PacketsLost.Should().BeLessThanOrEqualTo(2, "only a packet in flight at the FIN is lost (found at the next packet, the end would cost every connection its next one)");
        HostChanges.Of(window).LostOn("backend-1").Should().Be(4);
        TestContext.Current.TestOutputHelper?.WriteLine($"FIN seen {(window.LostConnections.Max(c => c.Ended) - window.Period.Start).TotalMilliseconds:0.0} ms after the stop began");
    }

    [Fact(Timeout = 30_000)]
    public async Task ABlackholeEndsConnectionsByTheReadTimeOut()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = CtrafficServer.InProcess();
        await using var proxy = FaultProxy.Start(server);
        await using var traffic = CtrafficFixture.Start(o => { o.Server = proxy; o.Connections = 3; o.RateKBps = 30; o.ReadTimeout = TimeSpan.FromMilliseconds(500); });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        var blackhole = Fault.Blackhole();
        await proxy.ApplyForAsync(blackhole, TimeSpan.FromSeconds(1.5), ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(10), ct);
        var report = await traffic.StopAsync(ct);

        var window = report.Window(blackhole.Name);
        window.LostConnections.Should().NotBeEmpty();
        window.Should().HaveLostConnectionsOnlyBy(ConnectionEndKind.ReadTimeout);
        window.LostConnections.Should().OnlyContain(c => c.Error!.EndsWith("i/o timeout", StringComparison.Ordinal));
        window.LostInFlight.Should().BeGreaterThan(0, "each timed-out connection had its packet in flight");
    }

    [Fact(Timeout = 30_000)]
    public async Task AConnectToAPortWhereNothingListensIsRefused()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = FreePort();
        await using var traffic = CtrafficFixture.Start(o => { o.Address = $"127.0.0.1:{port}"; o.Connections = 2; });
        (await Eventually.TrueAsync(() => traffic.Snapshot().FailedConnects >= 4, TimeSpan.FromSeconds(10))).Should().BeTrue();
        var report = await traffic.StopAsync(ct);

        report.Statistics.ConnStats.Should().HaveCount(2).And.OnlyContain(c => c.Connected == null && c.EndKind == ConnectionEndKind.ConnectRefused);
        report.FailedConnections.Should().Be(0, "a slot that never connected is not a lost connection");
        report.Hosts.Should().BeEmpty();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
