using Ctraffic.Client;
using Ctraffic.Testing.Assertions;
using FluentAssertions;

namespace Ctraffic.Testing.Tests.Http;

/// <summary>
/// HTTP traffic through the real Debian nginx (<c>http</c> module) in front of two in-process HTTP
/// backends: what a backend kill looks like to a client of a layer-7 proxy.
/// </summary>
public class NginxHttpTests
{
    [Fact(Timeout = 60_000)]
    public async Task ABackendKilledBehindNginxIsRetriedOnTheOtherWithNoFailedRequest()
    {
        var ct = TestContext.Current.CancellationToken;
        SkipUnlessInstalled();
        await using var web1 = await CtrafficServer.InProcessHttpAsync(configure: s => s.HostName = "web-1", cancellationToken: ct);
        await using var web2 = await CtrafficServer.InProcessHttpAsync(configure: s => s.HostName = "web-2", cancellationToken: ct);
        await using var nginx = await ProcessServer.StartNginxAsync([web1, web2], o => { o.Mode = NginxMode.Http; o.WorkerProcesses = 1; }, ct);
        await using var traffic = CtrafficFixture.Start(o => { o.Server = nginx; o.Client = TrafficClient.Http; o.Connections = 4; o.RequestRate = 100; o.ReadTimeout = TimeSpan.FromSeconds(5); });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        await web2.KillAsync(ct);
        (await Eventually.TrueAsync(() => traffic.GetReport().Window("kill web-2").Requests!.Succeeded >= 40, TimeSpan.FromSeconds(10))).Should().BeTrue();
        var report = await traffic.StopAsync(ct);

        // nginx's default proxy_next_upstream (error, timeout) sends a GET that met the dead
        // backend to the other one: the clients see neither an error nor a lost connection.
        var kill = report.Window("kill web-2");
        kill.Should().HaveSucceededEveryRequest("nginx retries an idempotent request on the other backend")
            .And.HaveLostNoConnections("the clients' connections are to nginx, which stays up");
    }

    [Fact(Timeout = 60_000)]
    public async Task WithoutRetriesABackendKilledBehindNginxShowsAs502sNotAsLostConnections()
    {
        var ct = TestContext.Current.CancellationToken;
        SkipUnlessInstalled();
        await using var web1 = await CtrafficServer.InProcessHttpAsync(configure: s => s.HostName = "web-1", cancellationToken: ct);
        await using var web2 = await CtrafficServer.InProcessHttpAsync(configure: s => s.HostName = "web-2", cancellationToken: ct);
        await using var nginx = await ProcessServer.StartNginxAsync([web1, web2], o => { o.Mode = NginxMode.Http; o.WorkerProcesses = 1; o.ServerDirectives = "proxy_next_upstream off;"; o.BackendParameters = "max_fails=0"; }, ct);
        await using var traffic = CtrafficFixture.Start(o => { o.Server = nginx; o.Client = TrafficClient.Http; o.Connections = 4; o.RequestRate = 100; o.ReadTimeout = TimeSpan.FromSeconds(5); });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        await web2.KillAsync(ct);
        (await Eventually.TrueAsync(() => traffic.GetReport().Window("kill web-2").Requests!.ErrorResponses >= 10, TimeSpan.FromSeconds(10))).Should().BeTrue();
        var report = await traffic.StopAsync(ct);

        // A request that nginx sends to the dead backend gets nginx's 502 (max_fails=0: nginx never
        // takes the backend out; by default it would after the first failure, for 10 s).
        var kill = report.Window("kill web-2");
        kill.Requests!.ErrorStatuses.Select(s => s.Key).Should().Equal("502");
        kill.Requests.Failed.Should().Be(0, "nginx answered every request");
        kill.Should().HaveLostNoConnections();
        report.Before("kill web-2").Should().HaveFailedNoRequests();
        report.Before("kill web-2").Requests!.ErrorResponses.Should().BeLessThanOrEqualTo(4, "only a request in flight on web-2 at the kill (one per connection) gets a 502 before the mark");
        var act = () => kill.Should().HaveNoErrorResponses();
        act.Should().Throw<Exception>().WithMessage($"Expected no error responses, but {kill.Requests.ErrorResponses} of {kill.Requests.Sent} requests got an error response ({kill.Requests.ErrorResponses} x 502) (in window 'kill web-2'*");
    }

    private static void SkipUnlessInstalled()
    {
        if (NginxOptions.UnavailableReason(NginxMode.Http) is { } reason)
        {
            Assert.Skip(reason);
        }
    }
}
