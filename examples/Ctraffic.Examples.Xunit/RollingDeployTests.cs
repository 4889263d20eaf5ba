using Ctraffic.Client;
using Ctraffic.Examples.AspNetCore;
using Ctraffic.Testing;
using Ctraffic.Testing.Assertions;
using Microsoft.Extensions.DependencyInjection;

namespace Ctraffic.Examples;

/// <summary>
/// An ASP.NET Core app, three instances on real Kestrel behind a load balancer, deployed one by
/// one: each new instance started and added, the old one taken out and stopped with the host's
/// graceful shutdown. With time enough to shut down, no request fails; with a shutdown time-out
/// shorter than a request, the requests in flight on the stopped instance fail, and the failure
/// says which instance and when.
/// </summary>
public class RollingDeployTests
{
    [Fact]
    public async Task ARollingDeployWithGracefulShutdownFailsNoRequest()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: HTTP traffic to /report (20 ms each) through a balancer to app-1, app-2 and
        // app-3, each with 5 s to shut down.
        var shop = AspNetCoreApp.Create(ShopApp.Build, o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        await using var app1 = await shop.StartAsync("app-1", ct);
        await using var app2 = await shop.StartAsync("app-2", ct);
        await using var app3 = await shop.StartAsync("app-3", ct);
        await using var balancer = LoadBalancer.Start([app1, app2, app3]);
        await using var traffic = CtrafficFixture.Start(o =>
        {
            o.Server = balancer;
            o.Client = TrafficClient.Http;
            o.HttpPath = "/report";
            o.Connections = 9;
            o.RequestRate = 180;
        });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: each instance is replaced by "app-N-v2"; each step marks "upgrade app-N", with
        // "drain app-N" and "stop app-N" inside it.
        await balancer.RollingDeployAsync((old, ct) => shop.StartAsync($"{old.Name}-v2", ct), cancellationToken: ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), ct);
        var report = await traffic.StopAsync(ct);

        // Then: every request got its response (the old instances closed their connections between
        // requests, and the clients made new ones), and every connection ended on a new instance.
        report.Should().HaveFailedNoRequests().And.HaveEndedOnlyOn(h => h.EndsWith("-v2", StringComparison.Ordinal), "a new instance");
        report.Statistics.Http!.ClosedByServer.Should().BePositive();
    }

    [Fact]
    public async Task AShutdownTimeoutShorterThanAReportFailsTheReportsInFlight()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: the same app with 100 ms to shut down, and reports that take 3 s on app-1.
        var shop = AspNetCoreApp.Create(ShopApp.Build, o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(100));
        await using var app1 = await shop.StartAsync("app-1", ct);
        await using var app2 = await shop.StartAsync("app-2", ct);
        await using var balancer = LoadBalancer.Start([app1, app2]);
        await using var traffic = CtrafficFixture.Start(o =>
        {
            o.Server = balancer;
            o.Client = TrafficClient.Http;
            o.HttpPath = "/report";
            o.Connections = 4;
            o.RequestRate = 80;
            o.ReadTimeout = TimeSpan.FromSeconds(10);
        });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);
        var reports = app1.Services!.GetRequiredService<ShopReports>();
        reports.Duration = TimeSpan.FromSeconds(3);
        await WaitUntilAsync(() => reports.SlowInProgress > 0, TimeSpan.FromSeconds(5), ct);

        // When: the instances are deployed one by one.
        await balancer.RollingDeployAsync((old, ct) => shop.StartAsync($"{old.Name}-v2", ct), cancellationToken: ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), ct);
        var report = await traffic.StopAsync(ct);

        // Then: the reports in flight on app-1 were cut off 100 ms into its stop, and the failure
        // names them and the instance, e.g. "Expected no failed requests because a deploy must not
        // be seen, but 2 requests failed from 0.195 s after 'upgrade app-1' began to 0.2 s after
        // 'upgrade app-1' began, all on host app-1: 2 reset by the peer (RST); the first: read tcp
        // 127.0.0.1:38938->127.0.0.1:39475: connection reset by peer (in window 'upgrade app-1', ...)."
        var deploy = () => report.Window("upgrade app-1").Should().HaveFailedNoRequests("a deploy must not be seen");
        deploy.Should().Throw<Exception>().WithMessage(
            "Expected no failed requests because a deploy must not be seen, but * failed * after 'upgrade app-1' began, all on host app-1: *; the first: read tcp *: * (in window 'upgrade app-1', *");
        report.Window("upgrade app-2").Should().HaveFailedNoRequests("app-2's reports are quick");
    }

    /// <summary>Polls <paramref name="condition"/> every 10 ms until it holds; fails the test after <paramref name="timeout"/>.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)(timeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (!condition())
        {
            TimeProvider.System.GetTimestamp().Should().BeLessThan(deadline, "the condition should hold within {0}", timeout);
            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System, cancellationToken);
        }
    }
}
