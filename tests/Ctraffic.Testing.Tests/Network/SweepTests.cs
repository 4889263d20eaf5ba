using System.Diagnostics;
using Ctraffic.Testing.Network.Internal;
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

    [Fact(Timeout = 60_000)]
    public async Task TheSweepRemovesWhatAFreeClaimNamesAndKeepsAHeldClaimsNamespaceAndALinkIntoAnotherOwnersNamespace()
    {
        KernelFaults.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;
        await NetworkNamespace.SweepAsync(ct);

        // Given: a namespace, veth pair and table whose claim was given back (a dead owner's);
        // a namespace whose claim is held; and a link and table whose other end is in a
        // namespace this process has no name for (an owner that sees other files).
        var (_, dead) = Subnets.Claim([], new HashSet<int>());
        var (_, held) = Subnets.Claim([], new HashSet<int>());
        var (_, other) = Subnets.Claim([], new HashSet<int>());
        using var foreign = Process.Start(new ProcessStartInfo(NetworkCommand.Find("unshare")!, ["--net", "sleep", "60"]))!;
        try
        {
            Kernel.Run("ip", "netns", "add", dead.Name);
            Kernel.Run("ip", "link", "add", dead.Name, "type", "veth", "peer", "name", "eth0", "netns", dead.Name);
            Kernel.Run("nft", "add", "table", "ip", dead.Name);
            dead.Dispose();
            Kernel.Run("ip", "netns", "add", held.Name);
            var self = new FileInfo("/proc/self/ns/net").LinkTarget;
            var deadline = Stopwatch.StartNew();
            while (new FileInfo($"/proc/{foreign.Id}/ns/net").LinkTarget == self && deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Yield();
            }

            Kernel.Run("ip", "link", "add", other.Name, "type", "veth", "peer", "name", "eth0", "netns", foreign.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Kernel.Run("nft", "add", "table", "ip", other.Name);
            other.Dispose();

            // When: the sweep runs.
            var removed = await NetworkNamespace.SweepAsync(ct);

            // Then: the dead owner's things are gone, the others stay.
            removed.Should().Contain([$"namespace {dead.Name}", $"table ip {dead.Name}"]);
            Kernel.TestNames().Should().NotContain(dead.Name).And.Contain([held.Name, other.Name]);
            Kernel.Tables().Should().Contain(other.Name, "the table beside another owner's link stays");
        }
        finally
        {
            foreign.Kill();
            foreign.WaitForExit();
            Kernel.Run("nft", "delete", "table", "ip", other.Name);
            Kernel.Run("ip", "netns", "delete", held.Name);
            held.Dispose();
        }
    }
}
