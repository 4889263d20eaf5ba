using Ctraffic.Client;
using FluentAssertions;

namespace Ctraffic.Tests.Client;

/// <summary>A rule says what is wrong in the caller's words, from the side the value is on.</summary>
public class OptionRuleTests
{
    private static readonly OptionNaming Flags = new(name => "-" + name.ToLowerInvariant(), d => $"{d.TotalSeconds}s");

    [Theory]
    [InlineData(0, "must be 1 to 1000000")]
    [InlineData(1_000_001, "must be 1 to 1000000")]
    [InlineData(1, null)]
    [InlineData(1_000_000, null)]
    public void ARangeIsStatedWhole(int connections, string? problem)
    {
        TrafficOptionRules.Connections.Problem(connections).Should().Be(problem);
    }

    [Theory]
    [InlineData(0, "must be positive")]
    [InlineData(-1, "must be positive")]
    [InlineData(double.NaN, "must be positive")]
    [InlineData(1e308, "must be at most 1000000000 KB/s")]
    [InlineData(double.PositiveInfinity, "must be at most 1000000000 KB/s")]
    [InlineData(1e9, null)]
    public void APositiveRuleSaysWhichSideIsWrong(double rate, string? problem)
    {
        TrafficOptionRules.RateKBps.Problem(rate).Should().Be(problem);
        TrafficOptionRules.RateKBps.Accepts(rate).Should().Be(problem is null);
    }

    [Fact]
    public void ARuleWithNoUpperBoundStatesItsLowerOne()
    {
        TrafficOptionRules.Retries.Problem(0).Should().Be("must be at least 1");
        TrafficOptionRules.Retries.Problem(int.MaxValue).Should().BeNull();
    }

    [Fact]
    public void DurationsAreWrittenInTheCallersWords()
    {
        TrafficOptionRules.MaxConnectBackoff.Problem(TimeSpan.Zero).Should().Be("must be 100 ms to 1 h");
        TrafficOptionRules.MaxConnectBackoff.Problem(TimeSpan.Zero, Flags).Should().Be("must be 0.1s to 3600s");
        TrafficOptionRules.Duration.Problem(TimeSpan.MaxValue).Should().Be("must be at most 10 years");
    }

    [Fact]
    public void ValidateNamesTheOptionAndTheValue()
    {
        var validate = () => TrafficOptionRules.Connections.Validate(0);

        validate.Should().Throw<ArgumentOutOfRangeException>().WithMessage("Connections must be 1 to 1000000, was 0.*")
            .Which.ParamName.Should().Be("Connections");
    }

    [Fact]
    public void TheOptionsErrorUsesTheCallersNames()
    {
        var o = new TrafficOptions { Connections = 3, Retries = int.MaxValue };

        var error = o.FindError(Flags);

        error.Should().NotBeNull();
        error!.Option.Should().Be("Retries");
        error.Name.Should().Be("-retries");
        error.Reason.Should().Be("-connections × -retries = 6442450941 connection slots, more than 2147483647");
    }

    [Fact]
    public void TheOptionsDefaultsAreTheRulesDefaults()
    {
        var o = new TrafficOptions();

        o.Connections.Should().Be(TrafficOptionRules.Connections.DefaultValue);
        o.Retries.Should().Be(TrafficOptionRules.Retries.DefaultValue);
        o.Duration.Should().Be(TrafficOptionRules.Duration.DefaultValue);
        o.PacketSize.Should().Be(TrafficOptionRules.PacketSize.DefaultValue);
        o.RateKBps.Should().Be(TrafficOptionRules.RateKBps.DefaultValue);
        o.RequestRate.Should().Be(TrafficOptionRules.RequestRate.DefaultValue);
        o.ReadTimeout.Should().Be(TrafficOptionRules.ReadTimeout.DefaultValue);
        o.ConnectTimeout.Should().Be(TrafficOptionRules.ConnectTimeout.DefaultValue);
        o.MaxConnectBackoff.Should().Be(TrafficOptionRules.MaxConnectBackoff.DefaultValue);
        o.OutageThreshold.Should().Be(TrafficOptionRules.OutageThreshold.DefaultValue);
        o.FindError().Should().BeNull();
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(0.5, "0.5 ms")]
    [InlineData(100, "100 ms")]
    [InlineData(1500, "1.5 s")]
    [InlineData(60_000, "1 min")]
    [InlineData(3_600_000, "1 h")]
    [InlineData(86_400_000, "1 day")]
    [InlineData(-100, "-100 ms")]
    public void DurationsInWordsUseTheLargestWholeUnit(double milliseconds, string words)
    {
        OptionNaming.Words(TimeSpan.FromMilliseconds(milliseconds)).Should().Be(words);
        OptionNaming.Words(TimeSpan.FromDays(3650)).Should().Be("10 years");
    }
}
