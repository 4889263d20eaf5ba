using Ctraffic.Cli.Flags;
using FluentAssertions;

namespace Ctraffic.Cli.Tests.Flags;

public class GoDurationTests
{
    [Theory]
    [InlineData("10s", 10_000)]
    [InlineData("500ms", 500)]
    [InlineData("1m", 60_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("2h45m", 9_900_000)]
    [InlineData("0", 0)]
    [InlineData("1000us", 1)]
    [InlineData("1000000ns", 1)]
    public void ParsesGoDurations(string text, long milliseconds)
    {
        GoDuration.TryParse(text, out var value, out _).Should().BeTrue();
        value.Should().Be(TimeSpan.FromMilliseconds(milliseconds));
    }

    [Theory]
    [InlineData("10x", "unknown unit \"x\"")]
    [InlineData("10", "missing unit")]
    [InlineData("", "invalid duration")]
    [InlineData("s", "invalid duration")]
    [InlineData("1..5s", "invalid duration")]
    public void RejectsWhatGoRejectsSayingWhy(string text, string why)
    {
        GoDuration.TryParse(text, out _, out var error).Should().BeFalse();
        error.Should().Contain(why);
    }

    [Theory]
    [InlineData(10_000, "10s")]
    [InlineData(90_000, "1m30s")]
    [InlineData(500, "500ms")]
    [InlineData(3_600_000, "1h0m0s")]
    public void FormatsAsGoDoes(long milliseconds, string expected)
    {
        GoDuration.Format(TimeSpan.FromMilliseconds(milliseconds)).Should().Be(expected);
    }
}
