using Ctraffic.Charts;
using FluentAssertions;
using Xunit;

namespace Ctraffic.Tests.Charts;

public class SvgScaleTests
{
    [Theory]
    [InlineData(0, 40, new[] { "0", "10", "20", "30", "40" })]
    [InlineData(0, 101, new[] { "0", "25", "50", "75", "100", "125" })]
    [InlineData(0, 9.5, new[] { "0", "2", "4", "6", "8", "10" })]
    [InlineData(0, 0.3, new[] { "0", "0.1", "0.2", "0.3" })]
    [InlineData(0, 0.7, new[] { "0", "0.2", "0.4", "0.6", "0.8" })]
    [InlineData(0, 0.12, new[] { "0", "0.025", "0.05", "0.075", "0.1", "0.125" })]
    [InlineData(1.5, 8.5, new[] { "0", "2", "4", "6", "8", "10" })]
    [InlineData(0, 0, new[] { "0", "0.2", "0.4", "0.6", "0.8", "1" })]
    [InlineData(-3, 7, new[] { "-4", "-2", "0", "2", "4", "6", "8" })]
    public void TicksAreNiceStepsCoveringTheRange(double min, double max, string[] labels)
    {
        var scale = new SvgScale(min, max, 0, 100);

        scale.Ticks.Select(scale.Label).Should().Equal(labels);
    }

    [Fact]
    public void MapPutsTheEndsOfTheAxisOnTheEndsOfThePixelRange()
    {
        var scale = new SvgScale(0, 40, 420, 60);

        scale.Map(0).Should().Be(420);
        scale.Map(40).Should().Be(60);
        scale.Map(20).Should().Be(240);
    }

    [Fact]
    public void HugeValuesAreLabelledInExponentForm()
    {
        var scale = new SvgScale(0, 3e9, 0, 100);

        scale.Ticks.Select(scale.Label).Should().Contain("1E+9");
    }
}
