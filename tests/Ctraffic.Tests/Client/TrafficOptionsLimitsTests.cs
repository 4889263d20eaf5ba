using Ctraffic.Client;
using Ctraffic.Statistics;
using FluentAssertions;

namespace Ctraffic.Tests.Client;

/// <summary>Absurd numbers are rejected up front, naming the option, instead of overflowing inside the run.</summary>
public class TrafficOptionsLimitsTests
{
    public static TheoryData<string, Action<TrafficOptions>> Absurd => new()
    {
        { "RateKBps", o => o.RateKBps = 1e308 },
        { "RateKBps", o => o.RateKBps = double.PositiveInfinity },
        { "RateKBps", o => o.RateKBps = double.NaN },
        { "RateKBps", o => o.RateKBps = 1e-300 },
        { "RateKBps", o => { o.Connections = TrafficOptions.MaximumConnections; o.RateKBps = 0.01; } },
        { "Duration", o => o.Duration = TimeSpan.FromHours(3_000_000) },
        { "Duration", o => o.Duration = TimeSpan.MaxValue },
        { "ReadTimeout", o => o.ReadTimeout = TimeSpan.FromDays(100) },
        { "ConnectTimeout", o => o.ConnectTimeout = TimeSpan.FromDays(100) },
        { "MaxConnectBackoff", o => o.MaxConnectBackoff = TimeSpan.MaxValue },
        { "OutageThreshold", o => o.OutageThreshold = TimeSpan.MaxValue },
    };

    [Theory]
    [MemberData(nameof(Absurd))]
    public void AnAbsurdValueIsRejectedNamingTheOption(string option, Action<TrafficOptions> set)
    {
        var o = new TrafficOptions();
        set(o);

        var validate = o.Validate;

        validate.Should().Throw<ArgumentOutOfRangeException>().WithMessage($"{option} *").Which.ParamName.Should().Be(option);
    }

    [Fact]
    public void TheLargestValuesAreAccepted()
    {
        var o = new TrafficOptions
        {
            Connections = TrafficOptions.MaximumConnections,
            RateKBps = TrafficOptions.MaximumRateKBps,
            Duration = TrafficOptions.MaximumDuration,
            PacketSize = TrafficOptions.MaximumPacketSize,
        };
        o.Validate();

        // The slowest rate allowed: one packet per connection per MaximumPacketInterval.
        o.RateKBps = (double)o.PacketSize * o.Connections / 1024 / TrafficOptions.MaximumPacketInterval.TotalSeconds * 1.0001;
        o.Validate();
    }

    [Fact]
    public async Task ARunAtTheHighestRateIsPacedNotASpinWithNaNCredit()
    {
        // Given the highest rate: every packet is due at once, and the token bucket stays finite
        await using var server = Ctraffic.Server.EchoServer.Start(new Ctraffic.Server.EchoServerOptions { Address = "127.0.0.1:0" });
        var o = new TrafficOptions { Address = server.ConnectAddress, RateKBps = TrafficOptions.MaximumRateKBps, Duration = TimeSpan.FromSeconds(1) };

        // When it runs
        await using var run = TrafficRun.Start(o, TestContext.Current.CancellationToken);
        var stats = await run.Completion.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        // Then it ends on time with packets echoed (the sender is behind its pace, so it drops too)
        stats.EndReason.Should().Be(TrafficEndReason.DurationElapsed);
        stats.Received.Should().BePositive().And.Be(stats.Sent);
        stats.Duration.Should().BeLessThan(TimeSpan.FromSeconds(10));
    }
}
