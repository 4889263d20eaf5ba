using FluentAssertions;

namespace Ctraffic.Testing.Tests.Balancing;

public class BalancerBoundsTests
{
    [Fact]
    public void AConnectTimeoutBeyondItsBoundIsRefusedUpFront()
    {
        var start = () => LoadBalancer.Start([], o => o.ConnectTimeout = TimeSpan.FromDays(50));

        start.Should().Throw<ArgumentOutOfRangeException>().WithMessage("ConnectTimeout: must be more than 0 and at most 00:05:00*")
            .Which.ParamName.Should().Be("ConnectTimeout");
    }

    [Fact]
    public void ADrainGraceBeyondItsBoundIsRefusedUpFront()
    {
        var start = () => LoadBalancer.Start([], o => o.DrainGrace = TimeSpan.FromDays(50));

        start.Should().Throw<ArgumentOutOfRangeException>().WithMessage("DrainGrace: must be 0 to 1.00:00:00*")
            .Which.ParamName.Should().Be("DrainGrace");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(int.MaxValue)]
    public void ABufferSizeOutOfRangeIsRefused(int size)
    {
        var start = () => LoadBalancer.Start([], o => o.BufferSize = size);

        start.Should().Throw<ArgumentOutOfRangeException>().WithMessage("BufferSize: must be 1 to 1048576*");
    }

    [Fact]
    public void AnUndefinedPolicyIsRefused()
    {
        var start = () => LoadBalancer.Start([], o => o.Policy = (BalancingPolicy)42);

        start.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("Policy");
    }

    [Fact(Timeout = 30_000)]
    public async Task ADrainWithAGraceBeyondItsBoundThrowsAndLeavesTheBackendServing()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: a balancer over one backend.
        await using var backends = Backends.StartInProcess(1);
        await using var balancer = LoadBalancer.Start(backends);

        // When: a drain is asked for with a grace of 50 days.
        var drain = () => balancer.DrainAsync(backends[0], TimeSpan.FromDays(50), ct);

        // Then: it throws before it does anything: the backend stays in the pool and serves.
        (await drain.Should().ThrowAsync<ArgumentOutOfRangeException>()).Which.ParamName.Should().Be("grace");
        balancer.Backends.Should().ContainSingle();
        using var probe = await Probe.ConnectAsync(balancer.Address, ct);
        probe.Host.Should().Be("backend-1");
    }
}
