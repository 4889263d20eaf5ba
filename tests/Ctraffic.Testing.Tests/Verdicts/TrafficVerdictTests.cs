using Ctraffic.Testing.Verdicts;
using FluentAssertions;
using FluentAssertions.Execution;

namespace Ctraffic.Testing.Tests.Verdicts;

/// <summary>
/// The checks of <see cref="TrafficVerdicts"/> without an assertion library: a failed one throws a
/// <see cref="TrafficAssertionException"/> whose message is, to the byte, the one the FluentAssertions
/// adapter fails with — with its reason worded as FluentAssertions words it.
/// </summary>
public class TrafficVerdictTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task APassedCheckThrowsNothingAndSaysWhatItExpected()
    {
        // Given a short steady run
        await using var traffic = CtrafficFixture.Start(o => o.Connections = 2);
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        var report = await traffic.StopAsync(Ct);

        // When it is checked for lost connections
        var verdict = TrafficVerdicts.LostNoConnections(report);

        // Then the check passed, and throws nothing
        Assert.True(verdict.Passed, verdict.Message());
        Assert.Null(verdict.Actual);
        Assert.Equal("Passed: no lost connections.", verdict.ToString());
        verdict.ThrowIfFailed("nothing was disrupted");
    }

    [Fact]
    public async Task AFailedCheckThrowsTheMessageOfTheFluentAssertion()
    {
        // Given a run whose server was killed: every connection was lost in the kill's window
        var kill = await KilledServerRun.WindowAsync(Ct);

        // When the window is checked without an assertion library, and with FluentAssertions
        var verdict = TrafficVerdicts.LostNoConnections(kill);
        var thrown = Assert.Throws<TrafficAssertionException>(() => verdict.ThrowIfFailed("the fail-over must be seamless"));
        var fluent = Assert.ThrowsAny<Exception>(() => kill.Should().HaveLostNoConnections("the fail-over must be seamless"));

        // Then both fail with the same message, which says how many, when, where and why
        Assert.False(verdict.Passed);
        Assert.Equal(fluent.Message, thrown.Message);
        Assert.Equal(verdict.Message("the fail-over must be seamless"), thrown.Message);
        Assert.StartsWith("Expected no lost connections because the fail-over must be seamless, but 2 of 2 were lost ", thrown.Message, StringComparison.Ordinal);
        Assert.EndsWith("all on host backend-1: 2 reset by the peer (RST) (in window 'kill backend-1', " + kill.Period + " into the run).", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheReasonIsWordedAsFluentAssertionsWordsIt()
    {
        // Given a failed check
        var kill = await KilledServerRun.WindowAsync(Ct);
        var verdict = TrafficVerdicts.LostConnections(kill, 0);

        // Then each way of giving a reason reads the same in both messages
        (string Because, object[] Args)[] reasons =
        [
            ("", []),
            ("the fail-over must be seamless", []),
            ("because the fail-over must be seamless", []),
            ("Because it is {0}", ["seamless"]),
            ("  we said so", []),
            ("{0} connections {1}", [2, "were open"]),
            ("a brace { that is no placeholder", []),
        ];
        foreach (var (because, args) in reasons)
        {
            var fluent = Assert.ThrowsAny<Exception>(() => kill.Should().HaveLostConnections(0, because, args));
            Assert.Equal(fluent.Message, verdict.Message(because, args));
        }
    }

    [Fact]
    public async Task AnAssertionScopeCollectsTheFailuresOfTheFluentAssertions()
    {
        // Given a run whose server was killed
        var kill = await KilledServerRun.WindowAsync(Ct);

        // When two assertions fail in one scope
        var scope = () =>
        {
            using var _ = new AssertionScope();
            kill.Should().HaveLostNoConnections();
            kill.Should().HaveLostConnections(3, "three were open");
        };

        // Then the scope fails once, with both messages
        var thrown = Assert.ThrowsAny<Exception>(scope);
        Assert.Contains(TrafficVerdicts.LostNoConnections(kill).Message(), thrown.Message, StringComparison.Ordinal);
        Assert.Contains(TrafficVerdicts.LostConnections(kill, 3).Message("three were open"), thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChecksArgumentsAreCheckedAsTheAssertionsCheckedThem()
    {
        await using var traffic = CtrafficFixture.Start(o => o.Connections = 1);
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        var report = await traffic.StopAsync(Ct);

        Assert.Throws<ArgumentException>(() => TrafficVerdicts.LostConnectionsOnlyOn(report));
        Assert.Throws<ArgumentException>(() => TrafficVerdicts.LostConnectionsOnlyBy(report));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrafficVerdicts.RttPercentileAtMost(report, 95, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrafficVerdicts.AvailabilityAtLeast(report, 0));
        Assert.Throws<ArgumentNullException>(() => TrafficVerdicts.LostNoPackets(null!));
    }
}
