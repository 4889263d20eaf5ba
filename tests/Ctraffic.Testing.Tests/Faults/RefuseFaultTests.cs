using FluentAssertions;

namespace Ctraffic.Testing.Tests.Faults;

[Collection(SerialFaultTests.Name)]
public class RefuseFaultTests
{
    [Fact(Timeout = 30_000)]
    public async Task RefusingFailsNewConnectsAndLeavesOpenConnectionsAlone()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: 10 connections through a proxy.
        await using var server = CtrafficServer.InProcess();
        await using var proxy = FaultProxy.Start(server);
        await using var traffic = CtrafficFixture.Start(o => o.Server = proxy);
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: the proxy refuses connections, and meanwhile the server is killed (its
        // connections are lost and are made again) and started again.
        using (proxy.Add(Fault.Refuse()))
        {
            await server.KillAsync(ct);
            await server.StartAsync(ct);
            (await Eventually.TrueAsync(() => traffic.Snapshot().FailedConnects >= 10, TimeSpan.FromSeconds(5))).Should().BeTrue();
            traffic.Run.LastError.Should().EndWith("connect: connection refused");
        }

        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), ct);
        var report = await traffic.StopAsync(ct);

        // Then: the connects failed as refused until the fault was off, and then every connection came back.
        report.Statistics.FailedConnects.Should().BeGreaterThanOrEqualTo(10);
        report.Window("kill server").Should().HaveLostConnections(10);
        report.After("refuse").Should().HaveLostNoConnections();
    }
}
