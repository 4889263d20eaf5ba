using Ctraffic.GoCompat;
using FluentAssertions;
using Xunit;

namespace Ctraffic.Tests.GoCompat;

public class GoTimeTests
{
    [Fact]
    public void FormattingDropsTrailingZerosOfTheFractionAndWritesUtc()
    {
        GoTime.FormatRfc3339Nano(new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero).AddMilliseconds(500)).Should().Be("2020-01-02T03:04:05.5Z");
        GoTime.FormatRfc3339Nano(new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.FromHours(2))).Should().Be("2020-01-02T01:04:05Z");
        GoTime.FormatRfc3339Nano(new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1)).Should().Be("2020-01-02T03:04:05.0000001Z");
    }

    [Fact]
    public void ParsingCutsNineDigitsToTheHundredNanosecondsOfATimeAndKeepsTheRest()
    {
        GoTime.ParseRfc3339("2026-11-27T20:05:30.531376959Z")
            .Should().Be((new DateTimeOffset(2026, 11, 27, 20, 5, 30, TimeSpan.Zero).AddTicks(5313769), 59));
    }

    [Theory]
    [InlineData("2026-11-27T20:05:30Z", 0, 0)]
    [InlineData("2026-11-27T20:05:30.5Z", 5_000_000, 0)]
    [InlineData("2026-11-27T20:05:30.1234567Z", 1_234_567, 0)]
    [InlineData("2026-11-27T20:05:30.12345678Z", 1_234_567, 80)]
    [InlineData("2026-11-27T20:05:30.000000001Z", 0, 1)]
    public void ParsingFewerDigitsPadsThemWithZeros(string text, long ticks, int nanoseconds)
    {
        GoTime.ParseRfc3339(text).Should().Be((new DateTimeOffset(2026, 11, 27, 20, 5, 30, TimeSpan.Zero).AddTicks(ticks), nanoseconds));
    }

    [Fact]
    public void ParsingAnOffsetGivesTheTimeInUtc()
    {
        var (time, nanoseconds) = GoTime.ParseRfc3339("2026-11-27T22:05:30.50000001+02:00")!.Value;

        time.Should().Be(new DateTimeOffset(2026, 11, 27, 20, 5, 30, 500, TimeSpan.Zero));
        time.Offset.Should().Be(TimeSpan.Zero);
        nanoseconds.Should().Be(10);
    }

    [Fact]
    public void ParsingSomethingElseGivesNull()
    {
        GoTime.ParseRfc3339("yesterday").Should().BeNull();
    }
}
