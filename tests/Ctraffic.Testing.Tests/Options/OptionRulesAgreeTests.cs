using Ctraffic.Client;
using Ctraffic.Testing.Containers;
using FluentAssertions;

namespace Ctraffic.Testing.Tests.Options;

/// <summary>
/// The test library's options and the client container's keep the core's rules: a value the core
/// refuses is refused by them, naming the same option for the same reason.
/// </summary>
public class OptionRulesAgreeTests
{
    public static TheoryData<string, object> OutOfRange => new()
    {
        { "Connections", 0 },
        { "Connections", 1_000_001 },
        { "RateKBps", 0.0 },
        { "RateKBps", double.NaN },
        { "RateKBps", 1e10 },
        { "RateKBps", 1e-9 },
        { "Duration", TimeSpan.Zero },
        { "Duration", TimeSpan.FromDays(3651) },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void TheLibraryTheContainerAndTheCoreRefuseTheSameValue(string option, object value)
    {
        // Given the same value in the three options (with the same connections, which a rate depends on)
        var core = new TrafficOptions { Connections = new ContinuousTrafficOptions().Connections };
        var library = new ContinuousTrafficOptions();
        var container = new ClientContainerOptions();
        Set(option, value, c => core.Connections = library.Connections = container.Connections = c,
            r => core.RateKBps = library.RateKBps = container.RateKBps = r,
            d => core.Duration = library.Duration = container.Duration = d);

        // When each is checked, then each refuses it with the core's reason
        var reason = core.FindError()!.Reason;
        ((Action)core.Validate).Should().Throw<ArgumentOutOfRangeException>().WithMessage($"{option} {reason}, was *").Which.ParamName.Should().Be(option);
        ((Action)library.Validate).Should().Throw<ArgumentOutOfRangeException>().WithMessage($"{option} {reason}, was *").Which.ParamName.Should().Be(option);
        ((Action)container.Validate).Should().Throw<ArgumentOutOfRangeException>().WithMessage($"{option} {reason}, was *").Which.ParamName.Should().Be(option);
    }

    [Theory]
    [InlineData(1_000_001, "Connections must be 1 to 1000000, was 1000001.")]
    public void AContainerClientOfTooManyConnectionsIsRefused(int connections, string message)
    {
        var o = new ClientContainerOptions { Connections = connections };

        ((Action)o.Validate).Should().Throw<ArgumentOutOfRangeException>().WithMessage(message + "*").Which.ParamName.Should().Be("Connections");
    }

    [Theory]
    [InlineData(1e10, "RateKBps must be at most 1000000000 KB/s, was 10000000000.")]
    [InlineData(1e-9, "RateKBps must be at least 3.171E-07 KB/s with Connections 10 and PacketSize 1024 (one packet per connection every 365 days), was 1E-09.")]
    public void AContainerClientRateOutOfRangeIsRefused(double rate, string message)
    {
        var o = new ClientContainerOptions { RateKBps = rate };

        ((Action)o.Validate).Should().Throw<ArgumentOutOfRangeException>().WithMessage(message + "*").Which.ParamName.Should().Be("RateKBps");
    }

    [Fact]
    public void AContainerClientRunsAsLongAsTheCommandDoes()
    {
        new ClientContainerOptions { Duration = TrafficOptions.MaximumDuration }.Validate();
        new ClientContainerOptions { Duration = TimeSpan.FromMilliseconds(1) }.Validate();

        var tooLong = () => new ClientContainerOptions { Duration = TrafficOptions.MaximumDuration + TimeSpan.FromDays(1) }.Validate();
        tooLong.Should().Throw<ArgumentOutOfRangeException>().WithMessage("Duration must be at most 10 years, was 3651.00:00:00.*");
    }

    [Fact]
    public void ASteadyStateTimeoutLongerThanAnHourIsRefused()
    {
        var o = new ContinuousTrafficOptions { SteadyStateTimeout = TimeSpan.FromHours(2) };

        ((Action)o.Validate).Should().Throw<ArgumentOutOfRangeException>().WithMessage("SteadyStateTimeout must be at most 1 h, was 02:00:00.*")
            .Which.ParamName.Should().Be("SteadyStateTimeout");
    }

    [Fact]
    public void TheLibrarysDefaultsKeepTheRules()
    {
        new ContinuousTrafficOptions().Validate();
        new ClientContainerOptions().Validate();
    }

    private static void Set(string option, object value, Action<int> connections, Action<double> rate, Action<TimeSpan> duration)
    {
        switch (option)
        {
            case "Connections": connections((int)value); break;
            case "RateKBps": rate((double)value); break;
            default: duration((TimeSpan)value); break;
        }
    }

    [Fact]
    public void TheLibrarysOptionsGiveTheRunTheirMeterFactory()
    {
        using var factory = new MeterFactory();
        new ContinuousTrafficOptions { MeterFactory = factory }.ToTrafficOptions("127.0.0.1:1").MeterFactory.Should().BeSameAs(factory);
        new ContinuousTrafficOptions().ToTrafficOptions("127.0.0.1:1").MeterFactory.Should().BeNull();
    }

    private sealed class MeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }
}
