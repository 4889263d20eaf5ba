using FluentAssertions;

namespace Ctraffic.Testing.Tests.Faults;

[Collection(SerialFaultTests.Name)]
public class ResetFaultTests
{
    [Fact(Timeout = 30_000)]
    public async Task AResetFailsEveryConnectionWithAResetError()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: 10 connections through a proxy.
        await using var server = CtrafficServer.InProcess();
        await using var proxy = FaultProxy.Start(server);
        await using var traffic = CtrafficFixture.Start(o => o.Server = proxy);
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);
        traffic.Mark("steady");

        // When: the proxy resets connections for half a second.
        await proxy.ApplyForAsync(Fault.Reset(), TimeSpan.FromSeconds(0.5), ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), ct);
        var report = await traffic.StopAsync(ct);

        // Then: each of the 10 connections failed at least once, every failure a reset, and all came back.
        var window = report.Window("reset");
        window.LostConnections.Select(c => c.Connection).Distinct().Should().HaveCount(10);
        window.LostConnections.Should().OnlyContain(c => c.Error!.Contains("connection reset by peer"));
        proxy.GetStatistics().Reset.Should().BeGreaterThanOrEqualTo(10);
        report.Between("steady", "reset").Should().HaveLostNoConnections("the proxy loses nothing without a fault");
    }

    [Fact(Timeout = 30_000)]
    public async Task AResetOnAFractionOfConnectionsSparesTheOthers()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: 40 connections through a proxy.
        await using var server = CtrafficServer.InProcess();
        await using var proxy = FaultProxy.Start(server);
        await using var traffic = CtrafficFixture.Start(o => { o.Server = proxy; o.Connections = 40; o.RateKBps = 200; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: half of the connections, drawn once each, are reset, for a second.
        var fault = Fault.Reset().OnConnections(0.5);
        fault.Name.Should().Be("reset (50% of connections)");
        await proxy.ApplyForAsync(fault, TimeSpan.FromSeconds(1), ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), ct);
        var report = await traffic.StopAsync(ct);

        // Then: some connections never failed — those not drawn keep going — and some did (binomial
        // with n = 40, p = 0.5: 4 sigma either side of 20).
        var failed = report.Window(fault.Name).LostConnections.Select(c => c.Connection).Distinct().Count();
        failed.Should().BeInRange(8, 32);
    }
}
