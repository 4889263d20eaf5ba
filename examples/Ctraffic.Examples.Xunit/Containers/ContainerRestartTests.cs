using Ctraffic.Reports;
using Ctraffic.Testing;
using Ctraffic.Testing.Containers;

namespace Ctraffic.Examples.Containers;

/// <summary>
/// A server container crashes and is restarted in place. On a network of the test's own, the
/// clients reach it at its address, with no port proxy in between: they see what a real client
/// sees, and the address survives the restart.
/// </summary>
public class ContainerRestartTests
{
    [Fact]
    public async Task AContainerRestartedInPlaceGetsEveryConnectionBackOnTheSameAddress()
    {
        Docker.Require();
        var ct = TestContext.Current.CancellationToken;

        // Given: a server container on a network of the test's own, and 10 connections to it
        await using var network = await CtrafficNetwork.CreateAsync(ct);
        await using var server = await CtrafficContainer.StartAsync(o => { o.HostName = "backend-1"; o.Network = network; }, ct);
        await using var traffic = CtrafficFixture.Start(o => { o.Server = server; o.Connections = 10; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: it is killed (SIGKILL) and started again in place; the kill marks itself
        await server.KillAsync(ct);
        await server.StartAsync(ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(15), ct);
        var report = await traffic.StopAsync(ct);

        // Then: every connection to the killed server was lost, and all came back to it within
        // three seconds of its return
        report.Window("kill backend-1").Should().HaveLostEveryConnectionOn("backend-1");
        report.Should().HaveRecoveredAfter("kill backend-1", within: TimeSpan.FromSeconds(3));
        // (a connect made while the server died may have been reset before any reply: it is listed
        // under "(no reply)", never under a host)
        report.Hosts.Where(h => h.Host != HostStatistics.NoReply).Should().ContainSingle().Which.Lasting.Should().Be(10);
    }
}
