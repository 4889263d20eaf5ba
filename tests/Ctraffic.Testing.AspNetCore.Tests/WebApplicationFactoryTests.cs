using Ctraffic.Client;
using Ctraffic.Testing.Assertions;
using FluentAssertions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Ctraffic.Testing.AspNetCore.Tests;

/// <summary>An app's real Program, through WebApplicationFactory on Kestrel, under continuous HTTP traffic.</summary>
public class WebApplicationFactoryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheProgramsInstancesAreDeployedOneByOneWithoutAFailedRequest()
    {
        // Given: two instances of the app's Program behind the balancer, requests of 50 ms.
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b.UseSetting("Orders:DelayMs", "50"));
        var shop = factory.AsCtrafficApp(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        await using var app1 = await shop.StartAsync("app-1", Ct);
        await using var app2 = await shop.StartAsync("app-2", Ct);
        await using var balancer = LoadBalancer.Start([app1, app2]);
        await using var traffic = CtrafficFixture.Start(o => Orders(o, balancer));
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);

        // When: each is replaced by a new instance, the old one stopped gracefully.
        await balancer.RollingDeployAsync((old, ct) => shop.StartAsync($"{old.Name}-v2", ct), cancellationToken: Ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(10), Ct);
        var report = await traffic.StopAsync(Ct);

        // Then: no request failed, and every connection ended on a new instance.
        report.Should().HaveFailedNoRequests().And.HaveEndedOnlyOn(h => h.EndsWith("-v2", StringComparison.Ordinal), "a new instance");
        report.Hosts.Select(h => h.Host).Should().Contain(["app-1", "app-2", "app-1-v2", "app-2-v2"]);
        app1.IsRunning.Should().BeFalse();
    }

    [Fact]
    public async Task AKilledInstanceOfTheProgramFailsItsRequestsInFlight()
    {
        // Given: 4 connections to one instance whose requests take 2 s.
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b.UseSetting("Orders:DelayMs", "2000"));
        var shop = factory.AsCtrafficApp();
        await using var app = await shop.StartAsync("app-1", Ct);
        await using var traffic = CtrafficFixture.Start(o =>
        {
            Orders(o, app);
            o.OutageThreshold = TimeSpan.FromSeconds(3);
        });
        (await Eventually.TrueAsync(() => traffic.Snapshot().Received >= 8, TimeSpan.FromSeconds(15))).Should().BeTrue("each lane got 2 responses");

        // When: it is killed, then started again on the same port.
        await app.KillAsync(Ct);
        await app.StartAsync("app-1-v2", Ct);
        var report = await traffic.StopAsync(Ct);

        // Then: the requests in flight failed on app-1, and the failure says so.
        var kill = report.Window("kill app-1");
        kill.Should().HaveLostConnections(4).And.HaveLostConnectionsOnlyOn("app-1");
        var failed = () => kill.Should().HaveFailedNoRequests();
        failed.Should().Throw<Exception>().WithMessage("Expected no failed requests, but 4 requests failed * after 'kill app-1' began, all on host app-1: *");
    }

    [Fact]
    public async Task AGracefulStopOfTheProgramLetsItsRequestsInFlightFinish()
    {
        // Given: 4 connections to one instance whose requests take 500 ms, with 5 s to shut down.
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b.UseSetting("Orders:DelayMs", "500"));
        var shop = factory.AsCtrafficApp(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        await using var app = await shop.StartAsync("app-1", Ct);
        await using var traffic = CtrafficFixture.Start(o =>
        {
            Orders(o, app);
            o.OutageThreshold = TimeSpan.FromSeconds(1);
        });
        (await Eventually.TrueAsync(() => traffic.Snapshot().Received >= 8, TimeSpan.FromSeconds(15))).Should().BeTrue("each lane got 2 responses");

        // When: it stops gracefully (its requests in flight finish), then starts again.
        await app.StopAsync(Ct);
        await app.StartAsync("app-1-v2", Ct);
        (await Eventually.TrueAsync(() => traffic.Run.GetStatistics().ConnStats.Count(c => c.Host == "app-1-v2") == 4, TimeSpan.FromSeconds(15))).Should().BeTrue();
        var report = await traffic.StopAsync(Ct);

        // Then: no request failed; each connection was closed after its request and made again.
        report.Should().HaveFailedNoRequests();
        report.Statistics.Http!.ClosedByServer.Should().BeGreaterThanOrEqualTo(4);
    }

    private static void Orders(ContinuousTrafficOptions o, CtrafficServer server)
    {
        o.Server = server;
        o.Client = TrafficClient.Http;
        o.HttpPath = "/orders";
        o.Connections = 4;
        o.RequestRate = 160;
        o.ReadTimeout = TimeSpan.FromSeconds(10);
    }
}
