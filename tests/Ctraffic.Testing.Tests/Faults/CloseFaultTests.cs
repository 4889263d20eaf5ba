using FluentAssertions;

namespace Ctraffic.Testing.Tests.Faults;

[Collection(SerialFaultTests.Name)]
public class CloseFaultTests
{
    [Fact(Timeout = 30_000)]
    public async Task ACloseEndsEveryConnectionWithEndOfStream()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: 10 connections through a proxy.
        await using var server = CtrafficServer.InProcess();
        await using var proxy = FaultProxy.Start(server);
        await using var traffic = CtrafficFixture.Start(o => o.Server = proxy);
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: the proxy closes connections (FIN) for half a second.
        await proxy.ApplyForAsync(Fault.Close(), TimeSpan.FromSeconds(0.5), ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), ct);
        var report = await traffic.StopAsync(ct);

        // Then: every connection failed, having read end of stream, and all came back.
        var window = report.Window("close");
        window.LostConnections.Select(c => c.Connection).Distinct().Should().HaveCount(10);
        window.LostConnections.Should().OnlyContain(c => c.Error == "EOF");
        proxy.GetStatistics().Closed.Should().BeGreaterThanOrEqualTo(10);
    }
}
