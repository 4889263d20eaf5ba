using System.Net.Sockets;
using FluentAssertions;

namespace Ctraffic.Testing.Tests.Balancing;

public class DrainTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    [Fact(Timeout = 30_000)]
    public async Task ADrainingBackendGetsNoNewConnectionAndKeepsItsOwnUntilTheGracePeriodResetsThem()
    {
        var ct = TestContext.Current.CancellationToken;
        // Given: two backends, two connections on each
        await using var backends = Backends.StartInProcess(2);
        await using var balancer = LoadBalancer.Start(backends);
        var old = new List<Probe>();
        var fresh = new List<Probe>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                old.Add(await Probe.ConnectAsync(balancer.Address, ct));
            }

            // When: backend-1 drains
            var drain = balancer.DrainAsync(backends[0], Grace, ct);

            // Then: ten new connections all go to backend-2 ...
            for (var i = 0; i < 10; i++)
            {
                fresh.Add(await Probe.ConnectAsync(balancer.Address, ct));
            }

            fresh.Should().OnlyContain(p => p.Host == "backend-2");

            // ... the old ones on backend-1 still echo while the grace period runs ...
            drain.IsCompleted.Should().BeFalse("the grace period has not passed");
            foreach (var probe in old.Where(p => p.Host == "backend-1"))
            {
                (await probe.EchoAsync([1, 2, 3], ct)).Should().Equal(1, 2, 3);
            }

            // ... and once it has passed, they are reset, and backend-1 has left the pool.
            (await drain).Should().Be(2);
            foreach (var probe in old.Where(p => p.Host == "backend-1"))
            {
                var read = async () => await probe.EchoAsync([4], ct);
                (await read.Should().ThrowAsync<SocketException>()).Which.SocketErrorCode.Should().Be(SocketError.ConnectionReset);
            }

            balancer.Backends.Should().Equal(backends[1]);
            foreach (var probe in old.Where(p => p.Host == "backend-2"))
            {
                (await probe.EchoAsync([5], ct)).Should().Equal(5);
            }
        }
        finally
        {
            old.ForEach(p => p.Dispose());
            fresh.ForEach(p => p.Dispose());
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task ADrainEndsAsSoonAsItsLastConnectionCloses()
    {
        var ct = TestContext.Current.CancellationToken;
        // Given: one connection on backend-1 of two
        await using var backends = Backends.StartInProcess(2);
        await using var balancer = LoadBalancer.Start(backends);
        var probe = await Probe.ConnectAsync(balancer.Address, ct);
        probe.Host.Should().Be("backend-1");

        // When: backend-1 drains with a long grace period, and the connection closes
        var drain = balancer.DrainAsync(backends[0], TimeSpan.FromSeconds(20), ct);
        probe.Dispose();

        // Then: the drain ends without resetting anything
        (await drain.WaitAsync(TimeSpan.FromSeconds(10), ct)).Should().Be(0);
    }
}
