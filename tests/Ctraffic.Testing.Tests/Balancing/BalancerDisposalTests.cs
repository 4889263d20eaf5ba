using FluentAssertions;

namespace Ctraffic.Testing.Tests.Balancing;

[Collection(typeof(SocketCounting))]
public class BalancerDisposalTests
{
    private static int OpenSockets() => new DirectoryInfo("/proc/self/fd").GetFileSystemInfos()
        .Count(f => f.LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true);

    [Fact(Timeout = 60_000)]
    public async Task DisposingTrafficBalancerAndBackendsReleasesEverySocket()
    {
        var ct = TestContext.Current.CancellationToken;
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("counts sockets in /proc/self/fd (Linux)");
        }

        var before = OpenSockets();

        // Given: 20 connections through a balancer to three backends, one killed and started, one drained away
        await using (var backends = Backends.StartInProcess(3))
        await using (var balancer = LoadBalancer.Start(backends))
        await using (var traffic = CtrafficFixture.Start(o => { o.Server = balancer; o.Connections = 20; }))
        {
            await traffic.WaitForSteadyStateAsync(cancellationToken: ct);
            OpenSockets().Should().BeGreaterThanOrEqualTo(before + 84, "20 client, 2 × 20 balancer and 20 backend sockets, and 4 listeners");
            await backends[1].KillAsync(ct);
            await backends[1].StartAsync(ct);
            await balancer.DrainAsync(backends[2], TimeSpan.FromMilliseconds(200), ct);
            await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(10), ct);
        }

        // When: all are disposed (above); Then: every socket is released
        (await Eventually.TrueAsync(() => OpenSockets() <= before, TimeSpan.FromSeconds(10))).Should().BeTrue($"{OpenSockets()} sockets are open, {before} were before");
    }
}
