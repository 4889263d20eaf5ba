using FluentAssertions;

namespace Ctraffic.Testing.Tests.Faults;

public class FaultProxyOptionsTests
{
    [Theory]
    [InlineData("10.0.0.1:0", "Address must be a loopback address such as 127.0.0.1:0, was 10.0.0.1:0*")]
    [InlineData("localhost", "Address: *")]
    public void AProxyListensOnLoopbackOnly(string address, string message)
    {
        var start = () => FaultProxy.Start("127.0.0.1:1", o => o.Address = address);

        start.Should().Throw<ArgumentException>().WithMessage(message).Which.ParamName.Should().Be("Address");
    }

    [Fact]
    public void ABadLimitNamesTheOption()
    {
        var start = () => FaultProxy.Start("127.0.0.1:1", o => o.MaxUdpSessions = 0);

        start.Should().Throw<ArgumentOutOfRangeException>().WithMessage("MaxUdpSessions must be 1 to 65536, was 0.*");
    }

    [Fact]
    public void AnUndefinedPolicyIsRefusedAndRoundRobinIsTheDefault()
    {
        var start = () => FaultProxy.Start("127.0.0.1:1", o => o.Policy = (BalancingPolicy)42);

        start.Should().Throw<ArgumentOutOfRangeException>().WithMessage("Policy must be RoundRobin, LeastConnections, SourceHash, was 42.*")
            .Which.ParamName.Should().Be("Policy");
        new FaultProxyOptions().Policy.Should().Be(BalancingPolicy.RoundRobin);
    }

    [Fact]
    public void AFractionOutsideZeroToOneIsRefused()
    {
        var make = () => Fault.Blackhole().OnPackets(1.5);

        make.Should().Throw<ArgumentOutOfRangeException>().WithMessage("PacketFraction must be in (0, 1], was 1.5.*");
    }

    [Fact]
    public void FaultsAreNamedForTheirWindows()
    {
        Fault.Latency(TimeSpan.FromMilliseconds(100)).Name.Should().Be("latency 100ms");
        Fault.Latency(TimeSpan.FromSeconds(1), direction: FaultDirection.Upstream).Name.Should().Be("latency 1s upstream");
        Fault.Blackhole(FaultDirection.Downstream).OnConnections(0.25).Name.Should().Be("blackhole downstream (25% of connections)");
        Fault.Loss(0.05).Name.Should().Be("loss 5%");
        Fault.Bandwidth(64).Name.Should().Be("bandwidth 64KB/s");
        Fault.Slicer(16, TimeSpan.FromMilliseconds(2)).Name.Should().Be("slicer 16B every 2ms");
    }
}
