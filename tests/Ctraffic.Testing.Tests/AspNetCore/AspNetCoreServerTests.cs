using Ctraffic.Client;
using Ctraffic.Statistics;
using Ctraffic.Testing.Assertions;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;

namespace Ctraffic.Testing.Tests.AspNetCore;

/// <summary>An ASP.NET Core app on real Kestrel as the server under test: killed, stopped gracefully and started again on the same port.</summary>
public class AspNetCoreServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AKilledInstanceFailsEveryRequestInFlightOnItAndLosesItsConnections()
    {
        // Given: 4 connections to app-1, each with a request in flight that the app works on.
        var shop = AspNetCoreApp.Create(OrdersApp.Build);
        await using var app = await shop.StartAsync("app-1", Ct);
        await using var traffic = CtrafficFixture.Start(o => Orders(o, app, connections: 4));
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        var work = app.Services!.GetRequiredService<OrdersApp.Work>();
        work.Delay = TimeSpan.FromSeconds(30);
        (await Eventually.TrueAsync(() => work.Working == 4, TimeSpan.FromSeconds(5))).Should().BeTrue("every lane sends its next request within 25 ms");

        // When: it is killed (every connection aborted at once) and started again as a new version.
        await app.KillAsync(Ct);
        await app.StartAsync("app-1-v2", Ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(10), Ct);
        var report = await traffic.StopAsync(Ct);

        // Then: the 4 requests in flight failed, each losing its connection on app-1, cut off
        // before their responses were whole.
        var kill = report.Window("kill app-1");
        report.Statistics.Http!.FailedRequests.Should().Be(4);
        kill.Should().HaveLostConnections(4).And.HaveLostConnectionsOnlyOn("app-1");
        kill.Should().HaveLostConnectionsOnlyBy(ConnectionEndKind.PeerClosed, ConnectionEndKind.Reset);
        report.Before("kill app-1").Should().HaveFailedNoRequests();
        traffic.Address.Should().Be(app.Address, "it started again on the same port");
        var failed = () => kill.Should().HaveFailedNoRequests("a crash must not be seen");
        var message = failed.Should().Throw<Exception>().Which.Message;
        TestContext.Current.TestOutputHelper?.WriteLine(message);
        message.Should().Match(
            "Expected no failed requests because a crash must not be seen, but 4 requests failed * after 'kill app-1' began, all on host app-1: 4 *; the first: read tcp 127.0.0.1:*->" + app.Address + ": * (in window 'kill app-1', * into the run).");
    }

    [Fact]
    public async Task AGracefulRestartOnTheSamePortFailsNoRequest()
    {
        // Given: app-1 with a shutdown time-out of 5 s, and requests of 300 ms in flight.
        var shop = AspNetCoreApp.Create(OrdersApp.Build, o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        await using var app = await shop.StartAsync("app-1", Ct);
        await using var traffic = CtrafficFixture.Start(o => Orders(o, app, connections: 4));
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        var work = app.Services!.GetRequiredService<OrdersApp.Work>();
        work.Delay = TimeSpan.FromMilliseconds(300);
        (await Eventually.TrueAsync(() => work.Working > 0, TimeSpan.FromSeconds(5))).Should().BeTrue();

        // When: the host stops gracefully (the requests in flight finish) and starts again.
        await app.StopAsync(Ct);
        work.Working.Should().Be(0, "the stop returns once the requests in flight have finished");
        await app.StartAsync("app-1-v2", Ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(10), Ct);
        (await Eventually.TrueAsync(() => traffic.Run.GetStatistics().ConnStats.Count(c => c.Host == "app-1-v2") == 4, TimeSpan.FromSeconds(10))).Should().BeTrue();
        var report = await traffic.StopAsync(Ct);

        // Then: no request failed: each connection was closed between requests and re-made.
        var http = report.Statistics.Http!;
        report.Should().HaveFailedNoRequests().And.HaveLostNoConnections();
        http.FailedRequests.Should().Be(0);
        http.ClosedByServer.Should().BeGreaterThanOrEqualTo(4);
        report.Hosts.Select(h => h.Host).Should().Equal("app-1", "app-1-v2");
    }

    [Fact]
    public async Task EveryResponseNamesTheInstanceOverHttp2()
    {
        var shop = AspNetCoreApp.Create(OrdersApp.Build, o => o.Http2 = true);
        await using var app = await shop.StartAsync("app-h2", Ct);
        await using var traffic = CtrafficFixture.Start(o =>
        {
            Orders(o, app, connections: 2);
            o.Client = TrafficClient.Http2;
        });
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        var report = await traffic.StopAsync(Ct);

        app.Http2.Should().BeTrue();
        report.Hosts.Select(h => h.Host).Should().Equal("app-h2");
        report.Statistics.Http!.Statuses.Should().ContainKey("200");
        report.Should().HaveFailedNoRequests();
    }

    [Fact]
    public async Task BadOptionsAreRejectedNamingTheOption()
    {
        var header = () => AspNetCoreApp.Create(OrdersApp.Build, o => o.HostHeader = "a b");
        header.Should().Throw<ArgumentException>().WithMessage("HostHeader: must be a header name*");
        var shutdown = () => AspNetCoreApp.Create(OrdersApp.Build, o => o.ShutdownTimeout = TimeSpan.FromSeconds(-1));
        shutdown.Should().Throw<ArgumentOutOfRangeException>().WithMessage("ShutdownTimeout: must be 0 to 00:05:00, was -00:00:01*");
        var start = () => AspNetCoreApp.Create(OrdersApp.Build, o => o.StartTimeout = TimeSpan.Zero);
        start.Should().Throw<ArgumentOutOfRangeException>().WithMessage("StartTimeout: must be more than 0*");
        var name = () => AspNetCoreApp.Create(OrdersApp.Build).StartAsync("app 1", Ct);
        await name.Should().ThrowAsync<ArgumentException>().WithMessage("hostName: must be 1 to 253 visible ASCII characters*");
        var nothing = () => AspNetCoreApp.Create(_ => null!).StartAsync("app-1", Ct);
        await nothing.Should().ThrowAsync<InvalidOperationException>().WithMessage("the app's build function returned null for app-1*");
    }

    [Fact]
    public async Task AStartLongerThanTheStartTimeoutFailsNamingTheInstance()
    {
        var shop = AspNetCoreApp.Create(
            builder =>
            {
                builder.Services.AddHostedService<NeverStarts>();
                return OrdersApp.Build(builder);
            },
            o => o.StartTimeout = TimeSpan.FromMilliseconds(300));

        var start = () => shop.StartAsync("app-1", Ct);

        await start.Should().ThrowAsync<TimeoutException>().WithMessage("app-1 did not start within 0.3 s (StartTimeout)");
    }

    [Fact]
    public async Task HaveFailedNoRequestsIsForHttpTraffic()
    {
        await using var traffic = CtrafficFixture.Start(o => o.Connections = 1);
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        var report = await traffic.StopAsync(Ct);

        var echo = () => report.Should().HaveFailedNoRequests();
        echo.Should().Throw<InvalidOperationException>().WithMessage("HaveFailedNoRequests is for HTTP, HTTP/2 and gRPC traffic (o.Client = TrafficClient.Http, Http2 or Grpc); this is echo traffic, which sends packets, not requests: use HaveLostNoConnections and HaveLostNoPackets");
    }

    /// <summary>A service of the app whose start waits until it is cancelled: the host never serves.</summary>
    private sealed class NeverStarts : Microsoft.Extensions.Hosting.IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>HTTP traffic of <paramref name="connections"/> lanes to <c>/orders</c> of <paramref name="server"/>, 10 requests a second each, read time-out 10 s.</summary>
    internal static void Orders(ContinuousTrafficOptions o, CtrafficServer server, int connections)
    {
        o.Server = server;
        o.Client = TrafficClient.Http;
        o.HttpPath = "/orders";
        o.Connections = connections;
        o.RequestRate = 40 * connections;
        o.ReadTimeout = TimeSpan.FromSeconds(10);
    }
}
