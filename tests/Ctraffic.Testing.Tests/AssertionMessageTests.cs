using FluentAssertions;

namespace Ctraffic.Testing.Tests;

public class AssertionMessageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ALostConnectionsFailureSaysHowManyWhenWhereAndWhy()
    {
        await using var server = CtrafficServer.InProcess(s => s.HostName = "backend-1");
        await using var traffic = CtrafficFixture.Start(o => { o.Connections = 4; o.Server = server; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        await server.KillAsync(Ct);
        await server.StartAsync(Ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), Ct);
        var report = await traffic.StopAsync(Ct);

        var assert = () => report.Window("kill backend-1").Should().HaveLostNoConnections("the fail-over must be seamless");

        assert.Should().Throw<Exception>().WithMessage(
            "Expected no lost connections because the fail-over must be seamless, but 4 of 4 failed * s, all on host backend-1; all with \"*\" (window 'kill backend-1').");
    }

    [Fact]
    public async Task PassingAssertionsChain()
    {
        await using var traffic = CtrafficFixture.Start(o => o.Connections = 2);
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        var report = await traffic.StopAsync(Ct);

        report.Should().HaveLostNoConnections()
            .And.HaveNoOutageLongerThan(TimeSpan.FromSeconds(1))
            .And.HaveRttPercentileAtMost(99, TimeSpan.FromSeconds(1))
            .And.HaveRecoveredWithin(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task AnRttFailureShowsTheDistribution()
    {
        await using var traffic = CtrafficFixture.Start(o => o.Connections = 2);
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        var report = await traffic.StopAsync(Ct);

        var assert = () => report.Should().HaveRttPercentileAtMost(99, TimeSpan.Zero);

        assert.Should().Throw<Exception>().WithMessage("Expected p99 round-trip time at most 0 ms, but it was * ms (* round trips: min * ms, p50 * ms, p90 * ms, p99 * ms, max * ms).");
    }
}
