using FluentAssertions;

namespace Ctraffic.Testing.Tests.Servers;

public class DisposedServerTests
{
    [Fact(Timeout = 30_000)]
    public async Task ADisposedBalancerCannotBeStartedAgain()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: a balancer, killed, then disposed.
        await using var backends = Backends.StartInProcess(1);
        var balancer = LoadBalancer.Start(backends);
        await balancer.KillAsync(ct);
        await balancer.DisposeAsync();

        // When: it is started again.
        var start = () => balancer.StartAsync(ct);

        // Then: it throws and stays down.
        await start.Should().ThrowAsync<ObjectDisposedException>();
        balancer.IsRunning.Should().BeFalse();
    }

    [Fact(Timeout = 30_000)]
    public async Task ADisposedInProcessServerCannotBeStartedAgain()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: an in-process server, stopped, then disposed.
        var server = CtrafficServer.InProcess();
        await server.StopAsync(ct);
        await server.DisposeAsync();

        // When: it is started again, or killed.
        var start = () => server.StartAsync(ct);
        var kill = () => server.KillAsync(ct);

        // Then: both throw and it stays down.
        await start.Should().ThrowAsync<ObjectDisposedException>();
        await kill.Should().ThrowAsync<ObjectDisposedException>();
        server.IsRunning.Should().BeFalse();
    }
}
