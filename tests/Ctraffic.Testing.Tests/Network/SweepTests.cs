using FluentAssertions;

namespace Ctraffic.Testing.Tests.Network;

[Collection(KernelFaults.Name)]
public class SweepTests
{
    [Fact(Timeout = 60_000)]
    public async Task TheSweepRemovesTheNamespacesLinksAndTablesOfADeadProcessAndKeepsThoseOfALiveOne()
    {
        KernelFaults.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;

        // Given: a namespace of this process (made first: the first namespace of a process sweeps
        // on its own), and what a killed test process left (a namespace, a veth pair, a root
        // table, named with its PID).
        await using var mine = await NetworkNamespace.CreateAsync(ct);
        var dead = Kernel.DeadPid();
        string Left(int n) => $"ctr-{dead}-{n}";
        Kernel.Run("ip", "netns", "add", Left(1));
        Kernel.Run("ip", "link", "add", Left(2), "type", "veth", "peer", "name", Left(3));
        Kernel.Run("nft", "add", "table", "ip", Left(4));

        // When: the sweep runs.
        var removed = await NetworkNamespace.SweepAsync(ct);

        // Then: the dead process's things are gone, and this process's namespace stays.
        removed.Should().Contain([$"namespace {Left(1)}", $"table ip {Left(4)}"]);
        Kernel.Namespaces().Should().NotContain(Left(1)).And.Contain(mine.Name);
        Kernel.Links().Should().NotContain(Left(2)).And.NotContain(Left(3));
        Kernel.Tables().Should().NotContain(Left(4));
    }

    [Fact(Timeout = 60_000)]
    public async Task AServiceLeavesNoNamespaceLinkOrTableOnceDisposed()
    {
        KernelFaults.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;

        // Given: a service of two endpoints.
        var service = await ClusterIpService.StartAsync(2, cancellationToken: ct);
        var names = service.Endpoints.Select(e => e.Namespace.Name).Append(service.TableName).ToList();
        Kernel.Tables().Should().Contain(service.TableName);

        // When: it is disposed.
        await service.DisposeAsync();

        // Then: nothing of it is left.
        var left = Kernel.Namespaces() + Kernel.Links() + Kernel.Tables();
        foreach (var name in names)
        {
            left.Should().NotContain(name);
        }

        left.Should().NotContain($"ctr-{Environment.ProcessId}-", "every namespace, link and table of this process is gone");
    }
}
