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
    public void ParsingCutsNineDigitsToTheHundredNanosecondsOfATimeWithoutRounding()
    {
        GoTime.ParseRfc3339("2026-11-27T20:05:30.531376959Z")
            .Should().Be(new DateTimeOffset(2026, 11, 27, 20, 5, 30, TimeSpan.Zero).AddTicks(5313769));
    }

    [Fact]
    public void ParsingAnOffsetGivesTheTimeInUtc()
    {
        var time = GoTime.ParseRfc3339("2026-11-27T22:05:30.5+02:00");

        time.Should().Be(new DateTimeOffset(2026, 11, 27, 20, 5, 30, 500, TimeSpan.Zero));
        time!.Value.Offset.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public void ParsingSomethingElseGivesNull()
    {
        GoTime.ParseRfc3339("yesterday").Should().BeNull();
    }
}
