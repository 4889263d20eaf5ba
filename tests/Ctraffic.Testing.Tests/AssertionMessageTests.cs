using Ctraffic.Statistics;
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
            "Expected no lost connections because the fail-over must be seamless, but 4 of 4 were lost * after 'kill backend-1' began, " +
            "all on host backend-1: 4 reset by the peer (RST) (in window 'kill backend-1', * s–* s into the run).");
    }

    [Fact]
    public async Task WindowsBeforeAndAfterAMarkAreNamedWithoutNestedQuotes()
    {
        await using var server = CtrafficServer.InProcess(s => s.HostName = "backend-1");
        await using var traffic = CtrafficFixture.Start(o => { o.Connections = 2; o.Server = server; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        traffic.Mark("n");
        await server.KillAsync(Ct);
        await server.StartAsync(Ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), Ct);
        var report = await traffic.StopAsync(Ct);

        var after = () => report.After("n").Should().HaveLostNoConnections();
        after.Should().Throw<Exception>().WithMessage("* were lost * after 'n', all on host backend-1: 2 reset by the peer (RST) (in after 'n', * into the run).");
        var kinds = () => report.After("n").Should().HaveLostConnectionsOnlyBy(ConnectionEndKind.PeerClosed);
        kinds.Should().Throw<Exception>().WithMessage(
            "Expected connections lost only by closed by the peer (FIN), but 2 of 2 lost were 2 reset by the peer (RST), the first * after 'n' (in after 'n', * into the run).");
        var late = () => report.Window("kill backend-1").Should().HaveLostConnectionsOnlyBetween(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        late.Should().Throw<Exception>().WithMessage(
            "Expected connections lost only 1.0 s to 2.0 s after the start of window 'kill backend-1', but 2 of 2 lost ended outside it, * after 'kill backend-1' began, * after 'kill backend-1' began (in window 'kill backend-1', * into the run).");
        // A packet sent before the mark and still in flight at the kill right after it is lost with its
        // connection, in the window of its send time: at most one per connection.
        report.Before("n").Should().HaveLostNoConnections();
        report.Before("n").PacketsLost.Should().BeLessThanOrEqualTo(report.Before("n").LostInFlight).And.BeLessThanOrEqualTo(2);
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
