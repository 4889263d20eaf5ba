using FluentAssertions;

namespace Ctraffic.Testing.Tests.Faults;

[Collection(SerialFaultTests.Name)]
public class BlackholeFaultTests
{
    private static readonly TimeSpan Length = TimeSpan.FromSeconds(1);

    [Fact(Timeout = 30_000)]
    public async Task AOneSecondBlackholeGivesAOneSecondOutage()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: 10 connections of 10 packets a second through a proxy.
        await using var server = CtrafficServer.InProcess();
        await using var proxy = FaultProxy.Start(server);
        await using var traffic = CtrafficFixture.Start(o => o.Server = proxy);
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);
        traffic.Mark("steady");

        // When: every byte either way is swallowed for 1 s.
        await proxy.ApplyForAsync(Fault.Blackhole(), Length, ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), ct);
        var report = await traffic.StopAsync(ct);

        // Then: nothing got through for 1 s (an outage starts when the missing echo was due,
        // up to a packet interval after the blackhole began); each connection, its swallowed
        // echo never coming, timed out (1 s) and connected again within a second of the end;
        // and the proxy swallowed bytes.
        var window = report.Window("blackhole");
        var tolerance = report.PacketInterval + TimeSpan.FromMilliseconds(100);
        window.LongestRunOutage.Should().BeCloseTo(Length, tolerance, window.ToString());
        window.LongestOutage.Should().BeGreaterThan(Length - tolerance).And.BeLessThan(Length + TimeSpan.FromSeconds(1));
        proxy.GetStatistics().Swallowed.Should().BePositive();
        report.Between("steady", "blackhole").Should().HaveLostNoConnections("the proxy loses nothing without a fault");
    }
}
