using Ctraffic.Client;
using Ctraffic.Testing.Assertions;
using Ctraffic.Testing.Servers.Internal;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;

namespace Ctraffic.Testing.Tests.AspNetCore;

/// <summary>Instances of an ASP.NET Core app behind the in-process balancer, deployed one by one: each old one stopped gracefully as its drain begins.</summary>
public class RollingDeployTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ARollingDeployWithGracefulShutdownFailsNoHttp2Request()
    {
        // Given: h2 traffic through a balancer to two instances whose requests take 50 ms.
        var shop = AspNetCoreApp.Create(OrdersApp.Build, o =>
        {
            o.Http2 = true;
            o.ShutdownTimeout = TimeSpan.FromSeconds(5);
            o.Args.Add("--Orders:DelayMs=50");
        });
        await using var app1 = await shop.StartAsync("app-1", Ct);
        await using var app2 = await shop.StartAsync("app-2", Ct);
        await using var balancer = LoadBalancer.Start([app1, app2]);
        await using var traffic = CtrafficFixture.Start(o =>
        {
            AspNetCoreServerTests.Orders(o, balancer, connections: 6);
            o.Client = TrafficClient.Http2;
        });
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);

        // When: each is replaced by a new version, the old one stopped as its drain begins.
        var deployed = await balancer.RollingDeployAsync((old, ct) => shop.StartAsync($"{old.Name}-v2", ct), cancellationToken: Ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(10), Ct);
        var report = await traffic.StopAsync(Ct);

        // Then: no request failed, the old instances are stopped and every connection ended on a new one.
        report.Should().HaveFailedNoRequests().And.HaveEndedOnlyOn(h => h.EndsWith("-v2", StringComparison.Ordinal), "a new instance");
        report.Statistics.Http!.FailedRequests.Should().Be(0);
        deployed.Select(s => s.Name).Should().Equal("app-1-v2", "app-2-v2");
        app1.IsRunning.Should().BeFalse();
        app2.IsRunning.Should().BeFalse();
        report.Marks.Select(m => m.Name).Should().Contain(["upgrade app-1", "drain app-1", "stop app-1", "upgrade app-2", "stop app-2"]);
    }

    [Fact]
    public async Task ARollingDeployOfABackendThatCannotBeStoppedChangesNothing()
    {
        var shop = AspNetCoreApp.Create(OrdersApp.Build);
        await using var app1 = await shop.StartAsync("app-1", Ct);
        await using var external = CtrafficServer.External(app1.Address, "outside");
        await using var balancer = LoadBalancer.Start([app1, external]);

        var deploy = () => balancer.RollingDeployAsync((old, ct) => shop.StartAsync($"{old.Name}-v2", ct), cancellationToken: Ct);

        await deploy.Should().ThrowAsync<NotSupportedException>().WithMessage("outside (ExternalServer) cannot be stopped, so a rolling deploy cannot stop it; it supports: None");
        balancer.Backends.Should().Equal(app1, external);
        app1.IsRunning.Should().BeTrue();
    }

    [Fact]
    public async Task AShutdownTimeoutShorterThanARequestFailsItOnTheStoppedInstance()
    {
        // Given: two instances that abort what is left 100 ms into a stop, and app-1 working on
        // requests of 2 s.
        var shop = AspNetCoreApp.Create(OrdersApp.Build, o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(100));
        await using var app1 = await shop.StartAsync("app-1", Ct);
        await using var app2 = await shop.StartAsync("app-2", Ct);
        await using var balancer = LoadBalancer.Start([app1, app2]);
        await using var traffic = CtrafficFixture.Start(o => AspNetCoreServerTests.Orders(o, balancer, connections: 4));
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        var work = app1.Services!.GetRequiredService<OrdersApp.Work>();
        work.Delay = TimeSpan.FromSeconds(2);
        (await Eventually.TrueAsync(() => work.Working > 0, TimeSpan.FromSeconds(5))).Should().BeTrue();

        // When: the instances are deployed one by one.
        await balancer.RollingDeployAsync((old, ct) => shop.StartAsync($"{old.Name}-v2", ct), cancellationToken: Ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(10), Ct);
        var report = await traffic.StopAsync(Ct);

        // Then: the requests app-1 was working on failed, and the failure says so, naming it.
        var step = report.Window("upgrade app-1");
        var assert = () => step.Should().HaveFailedNoRequests("a deploy must not be seen");
        var failure = assert.Should().Throw<Exception>().Which.Message;
        TestContext.Current.TestOutputHelper?.WriteLine(failure);
        failure.Should().Match(
            "Expected no failed requests because a deploy must not be seen, but * failed * after 'upgrade app-1' began, all on host app-1: *; the first: read tcp 127.0.0.1:*->127.0.0.1:*: * (in window 'upgrade app-1', * into the run).");
        report.Statistics.Http!.FailedRequests.Should().Be(step.LostConnections.Count);
        report.Window("upgrade app-2").Should().HaveFailedNoRequests("app-2's requests are short");
    }
}
