using Ctraffic.GoCompat;
using FluentAssertions;
using Xunit;

namespace Ctraffic.Tests.GoCompat;

/// <summary>Expected texts are what Go's fmt.Println printed for the same values.</summary>
public class GoFloatTests
{
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(1.0, "1")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(5.5047825150000005, "5.5047825150000005")]
    [InlineData(99.95091470549362, "99.95091470549362")]
    [InlineData(4.997281169212516, "4.997281169212516")]
    [InlineData(100.0, "100")]
    [InlineData(123456.0, "123456")]
    [InlineData(123456.7, "123456.7")]
    [InlineData(999999.0, "999999")]
    [InlineData(1e6, "1e+06")]
    [InlineData(1234567.0, "1.234567e+06")]
    [InlineData(12345678.9, "1.23456789e+07")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1e100, "1e+100")]
    [InlineData(double.MaxValue, "1.7976931348623157e+308")]
    [InlineData(0.1, "0.1")]
    [InlineData(1.0 / 3, "0.3333333333333333")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00012345, "0.00012345")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(2.5e-5, "2.5e-05")]
    [InlineData(1.5e-7, "1.5e-07")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(0.999999999, "0.999999999")]
    [InlineData(1e-9, "1e-09")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    public void FormatsAsGoPrintlnDoes(double value, string expected)
        => GoFloat.Format(value).Should().Be(expected);

    [Fact]
    public void NegativeZeroKeepsItsSign()
        => GoFloat.Format(-0.0).Should().Be("-0");

    [Theory]
    [InlineData(5504782515L, "5.5047825150000005")]
    [InlineData(1501360732L, "1.501360732")]
    [InlineData(500000000L, "0.5")]
    [InlineData(-1500000000L, "-1.5")]
    [InlineData(1L, "1e-09")]
    [InlineData(long.MaxValue, "9.223372036854776e+09")]
    public void SecondsOfNanosecondsAreGoDurationSeconds(long nanoseconds, string expected)
        => GoFloat.Format(GoSeconds.From(nanoseconds)).Should().Be(expected);
}
