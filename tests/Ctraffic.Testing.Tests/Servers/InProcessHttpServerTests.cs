using Ctraffic.Client;
using FluentAssertions;

namespace Ctraffic.Testing.Tests.Servers;

/// <summary>HTTP traffic through the test library: the in-process HTTP server stopped, killed and started again.</summary>
public class InProcessHttpServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AGracefulRestartOfAnHttp2ServerFailsNoRequest()
    {
        await using var server = await CtrafficServer.InProcessHttpAsync(http2: true, s => s.HostName = "web-v1", cancellationToken: Ct);
        await using var traffic = CtrafficFixture.Start(o => { o.Server = server; o.Client = TrafficClient.Http2; o.Connections = 4; o.RequestRate = 80; o.ReadTimeout = TimeSpan.FromSeconds(5); });
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);

        await server.StopAsync(Ct); // GOAWAY on every connection: the clients go elsewhere (here: nowhere, until the start)
        await server.StartAsync("web-v2", Ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), Ct);
        await Eventually.TrueAsync(() => traffic.Run.GetStatistics().ConnStats.Count(c => c.Host == "web-v2") == 4, TimeSpan.FromSeconds(5));
        var report = await traffic.StopAsync(Ct);

        var http = report.Statistics.Http!;
        http.FailedRequests.Should().Be(0, "a graceful stop lets the request in flight finish");
        http.ClosedByServer.Should().Be(4, "each connection was closed between requests");
        report.Should().HaveLostNoConnections();
        report.Hosts.Select(h => h.Host).Should().Equal("web-v1", "web-v2");
    }

    [Fact]
    public async Task HttpTrafficStartsItsOwnServerWhenGivenNone()
    {
        await using var traffic = CtrafficFixture.Start(o => { o.Client = TrafficClient.Http; o.Connections = 2; o.RequestRate = 40; o.ReadTimeout = TimeSpan.FromSeconds(5); });
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        await Eventually.TrueAsync(() => traffic.Snapshot().Received >= 20, TimeSpan.FromSeconds(5));

        var report = await traffic.StopAsync(Ct);

        report.Statistics.Http!.Client.Should().Be("http");
        report.Statistics.Http.Statuses.Should().ContainKey("200");
        report.Should().HaveLostNoConnections();
        report.Received.Should().BeGreaterThanOrEqualTo(20);
    }
}
