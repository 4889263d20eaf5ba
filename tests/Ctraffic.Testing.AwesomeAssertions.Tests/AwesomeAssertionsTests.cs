using AwesomeAssertions.Execution;
using Ctraffic.Testing;
using Ctraffic.Testing.Tests.Verdicts;
using Ctraffic.Testing.Verdicts;

namespace Ctraffic.Testing.AwesomeAssertions.Tests;

/// <summary>
/// The traffic assertions through AwesomeAssertions (Ctraffic.Testing.AwesomeAssertions): the same
/// <c>report.Should()</c> code as with FluentAssertions, failing with the same messages as the
/// library-neutral checks, collected by an <c>AssertionScope</c>.
/// </summary>
public class AwesomeAssertionsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AFailedAssertionHasTheMessageOfTheNeutralCheck()
    {
        // Given a run whose server was killed: every connection was lost in the kill's window
        var kill = await KilledServerRun.WindowAsync(Ct);

        // When an assertion that nothing was lost fails, with a reason
        var thrown = Assert.ThrowsAny<Exception>(() => kill.Should().HaveLostNoConnections("the fail-over must be {0}", "seamless"));

        // Then its message is the neutral check's, to the byte
        thrown.Message.Should().Be(TrafficVerdicts.LostNoConnections(kill).Message("the fail-over must be {0}", "seamless"));
        thrown.Message.Should().StartWith("Expected no lost connections because the fail-over must be seamless, but 2 of 2 were lost ")
            .And.EndWith("all on host backend-1: 2 reset by the peer (RST) (in window 'kill backend-1', " + kill.Period + " into the run).");
    }

    [Fact]
    public async Task AnAssertionScopeCollectsEveryFailure()
    {
        // Given a run whose server was killed
        var kill = await KilledServerRun.WindowAsync(Ct);

        // When two assertions fail in one scope, and one passes (as with AwesomeAssertions' own
        // assertions, what is chained with .And after a failure in a scope is not evaluated)
        var scope = () =>
        {
            using var _ = new AssertionScope();
            kill.Should().HaveLostNoConnections();
            kill.Should().HaveLostConnections(3, "three were open");
            kill.Should().HaveEveryDisruptionHitTraffic();
        };

        // Then the scope fails once, with both failures, and the passing check adds nothing
        var thrown = Assert.ThrowsAny<Exception>(scope);
        thrown.Message.Should().Contain(TrafficVerdicts.LostNoConnections(kill).Message())
            .And.Contain(TrafficVerdicts.LostConnections(kill, 3).Message("three were open"))
            .And.NotContain("disruption");
    }

    [Fact]
    public async Task PassingAssertionsChain()
    {
        await using var traffic = CtrafficFixture.Start(o => o.Connections = 2);
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        var report = await traffic.StopAsync(Ct);

        report.Should().HaveLostNoConnections()
            .And.HaveLostNoPackets()
            .And.HaveNoOutageLongerThan(TimeSpan.FromSeconds(1))
            .And.HaveRttPercentileAtMost(99, TimeSpan.FromSeconds(1));
        report.Connections.Should().Be(2);
        report.LostConnections.Should().BeEmpty();
    }
}
