using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FluentAssertions;

namespace Ctraffic.Testing.Tests.Network;

/// <summary>
/// Several test processes on one machine: namespaces never share an address or a name, whatever
/// the PIDs; what a process leaves when it is killed, signalled or cancelled is cleaned at once or
/// swept by the next one; and no test packet is routed off the machine.
/// </summary>
[Collection(KernelFaults.Name)]
public class IsolationTests
{
    private static readonly TimeSpan HelperLimit = TimeSpan.FromSeconds(90);

    /// <summary>The outside address of the service guard's test: TEST-NET-3, routed only into the test's own namespace.</summary>
    private const string Outside = "203.0.113.1";

    [Fact(Timeout = 180_000)]
    public async Task ProcessesStartedTogetherNeverShareANamespaceAddressOrNameEvenAsPidOneOfTheirOwnPidNamespaces()
    {
        KernelFaults.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;

        // Given: four helper processes started at once, each making 10 namespaces; two of them
        // are PID 1 of PID namespaces of their own (the same PID, as far as they can tell).
        var helpers = Enumerable.Range(0, 4).Select(i => IsolationHelper.Start(10, ownPidNamespace: i < 2)).ToList();
        try
        {
            // When: all have made theirs.
            var outputs = await Task.WhenAll(helpers.Select(h => IsolationHelper.ReadUntilAsync(h, "ready", HelperLimit, ct)));
            var made = outputs.SelectMany(o => o.Where(l => l.StartsWith("ns ", StringComparison.Ordinal)).Select(l => l.Split(' '))).ToList();

            // Then: 40 namespaces, no name or address twice, all in 198.18.0.0/16, all there at once;
            made.Should().HaveCount(40);
            outputs.Take(2).SelectMany(o => o).Where(l => l.StartsWith("ns ", StringComparison.Ordinal)).Should().OnlyContain(l => l.EndsWith(" pid 1", StringComparison.Ordinal));
            made.Select(m => m[1]).Should().OnlyHaveUniqueItems();
            made.Select(m => m[2]).Concat(made.Select(m => m[3])).Should().OnlyHaveUniqueItems();
            made.Should().OnlyContain(m => Subnets.IndexOf(IPAddress.Parse(m[2])) >= 0 && Subnets.IndexOf(IPAddress.Parse(m[3])) >= 0);
            var names = Kernel.Namespaces();
            made.Should().OnlyContain(m => names.Contains(m[1], StringComparison.Ordinal), "no process deleted another's namespace");

            // and once they end, none is left.
            foreach (var h in helpers)
            {
                h.Process.StandardInput.Close();
            }

            await Task.WhenAll(helpers.Select(h => IsolationHelper.ReadUntilAsync(h, "done", HelperLimit, ct)));
            await Task.WhenAll(helpers.Select(h => h.Process.WaitForExitAsync(ct)));
            helpers.Should().OnlyContain(h => h.Process.ExitCode == 0);
            Kernel.TestNames().Should().NotIntersectWith(made.Select(m => m[1]));
        }
        finally
        {
            foreach (var h in helpers)
            {
                h.Dispose();
            }
        }
    }

    [Theory(Timeout = 120_000)]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task AProcessEndedBySigtermOrSigintRemovesItsNamespacesOnTheWayOut(string signal)
    {
        KernelFaults.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;

        // Given: a helper process holding three namespaces.
        using var helper = IsolationHelper.Start(3);
        var names = (await IsolationHelper.ReadUntilAsync(helper, "ready", HelperLimit, ct)).Where(l => l.StartsWith("ns ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]).ToList();
        Kernel.TestNames().Should().Contain(names);

        // When: it gets the signal.
        Kernel.Run("kill", "-" + signal, helper.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await helper.Process.WaitForExitAsync(ct);

        // Then: its namespaces and links went with it, without a sweep.
        Kernel.TestNames().Should().NotIntersectWith(names);
    }

    [Fact(Timeout = 120_000)]
    public async Task WhatAKilledProcessLeftIsSweptByTheNextAndALiveOwnersNamesAreNot()
    {
        KernelFaults.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;

        // Given: a helper killed (SIGKILL: no clean-up) while it held three namespaces, and one
        // that lives with two.
        using var killed = IsolationHelper.Start(3);
        using var alive = IsolationHelper.Start(2);
        var left = await NamesAsync(killed, ct);
        var kept = await NamesAsync(alive, ct);
        killed.Process.Kill();
        await killed.Process.WaitForExitAsync(ct);
        Kernel.TestNames().Should().Contain(left, "SIGKILL leaves them");

        // When: this process sweeps.
        var removed = await NetworkNamespace.SweepAsync(ct);

        // Then: the killed one's are gone, the live one's stay.
        removed.Should().Contain(left.Select(n => $"namespace {n}"));
        Kernel.TestNames().Should().NotIntersectWith(left).And.Contain(kept);
        alive.Process.StandardInput.Close();
        await alive.Process.WaitForExitAsync(ct);
        Kernel.TestNames().Should().NotIntersectWith(kept);
    }

    [Fact]
    public void NamespacesStayIn198_18_0_0Slash16AndDockerNetworksKeep198_19_0_0Slash16()
    {
        // The first and the last subnet, and the address just past them.
        Subnets.V4(0, 1).ToString().Should().Be("198.18.0.1");
        Subnets.V4(Subnets.Count - 1, 2).ToString().Should().Be("198.18.255.254");
        Subnets.IndexOf(IPAddress.Parse("198.18.255.255")).Should().Be(Subnets.Count - 1);
        Subnets.IndexOf(IPAddress.Parse("198.19.0.2")).Should().Be(-1, "198.19.0.0/16 is the Docker test networks'");
        Subnets.IndexOf(IPAddress.Parse("198.17.255.254")).Should().Be(-1);
        NetworkNames.For(Subnets.Count - 1).Length.Should().BeLessThanOrEqualTo(15, "a link name has at most 15 characters");
        NetworkNames.TryIndex(NetworkNames.For(Subnets.Count - 1), out var last).Should().BeTrue();
        last.Should().Be(Subnets.Count - 1);
        NetworkNames.TryIndex(NetworkNames.For(Subnets.Count), out _).Should().BeFalse();
    }

    [Fact(Timeout = 60_000)]
    public async Task ANamespacesPacketToAnAddressOutsideTheTestRangesIsDroppedByItsGuard()
    {
        KernelFaults.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;

        // Given: a namespace with a route to 192.0.2.1 (TEST-NET-1) over its own loopback link:
        // the packet passes routing and reaches the guard, yet even without the guard it would
        // come back in on lo and be dropped there (a namespace does not forward), never leaving.
        await using var ns = await NetworkNamespace.CreateAsync(ct);
        Kernel.Run("ip", "-n", ns.Name, "route", "add", "192.0.2.1/32", "dev", "lo");
        Kernel.Run("ip", "-n", ns.Name, "route", "get", "192.0.2.1").Should().Contain("dev lo");
        var before = GuardDrops(ns.Name);

        // When: a socket in the namespace sends a datagram to it, and one to the root end.
        ns.Run(() =>
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            SendIgnoringRefusal(udp, new IPEndPoint(IPAddress.Parse("192.0.2.1"), 9));
            SendIgnoringRefusal(udp, new IPEndPoint(ns.HostAddress, 9));
            return 0;
        });

        // Then: the guard dropped the first, and only it.
        GuardDrops(ns.Name).Should().Be(before + 1);
    }

    [Fact(Timeout = 60_000)]
    public async Task AServiceConnectionDnatedOutsideTheTestRangesIsDroppedByTheServiceGuard()
    {
        KernelFaults.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;

        // Given: a service whose map is made (by hand, past the library's own check) to send new
        // connections to 203.0.113.1 (TEST-NET-3: not 192.0.2.x, which may be a real network of
        // the machine), with a /32 route into the virtual IP's own namespace, which does not
        // forward: even without the guard the packet could not leave the machine.
        await using var service = await ClusterIpService.StartAsync(1, cancellationToken: ct);
        var table = service.TableName;
        Kernel.Run("nft", "flush", "chain", "ip", table, "service");
        Kernel.Run("nft", "add", "rule", "ip", table, "service", "dnat", "to", Outside);
        Kernel.Run("ip", "route", "add", Outside + "/32", "dev", table);
        try
        {
            var before = ServiceGuardDrops(table);

            // When: a connection is made to the virtual IP.
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
            attempt.CancelAfter(TimeSpan.FromMilliseconds(500));
            var connect = async () => await client.ConnectAsync(new IPEndPoint(service.VirtualIP, ClusterIpService.Port), attempt.Token);
            await connect.Should().ThrowAsync<Exception>("the SYN is dropped");

            // Then: the service's guard dropped it.
            ServiceGuardDrops(table).Should().BeGreaterThan(before);
        }
        finally
        {
            Kernel.Run("ip", "route", "delete", Outside + "/32", "dev", table);
        }
    }

    [Fact(Timeout = 60_000)]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task IpAndNftRunFromTheSystemDirectoriesNeverFromTheCurrentDirectoryOrPath()
    {
        KernelFaults.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;

        // Given: an 'ip' and an 'nft' that leave a mark, in the current directory and first on PATH.
        var dir = Directory.CreateTempSubdirectory("ctraffic-path-");
        var mark = Path.Combine(dir.FullName, "ran");
        foreach (var tool in new[] { "ip", "nft" })
        {
            var script = Path.Combine(dir.FullName, tool);
            await File.WriteAllTextAsync(script, $"#!/bin/sh\necho {tool} >> {mark}\nexit 1\n", ct);
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var cwd = Environment.CurrentDirectory;
        var path = Environment.GetEnvironmentVariable("PATH");
        try
        {
            Environment.CurrentDirectory = dir.FullName;
            Environment.SetEnvironmentVariable("PATH", dir.FullName + ":" + path);

            // When: a namespace is made, with its rules, and removed.
            await using (var ns = await NetworkNamespace.CreateAsync(ct))
            {
                await ns.Partition().ApplyAsync(ct);
            }
        }
        finally
        {
            Environment.CurrentDirectory = cwd;
            Environment.SetEnvironmentVariable("PATH", path);
        }

        // Then: neither script ran, and both tools are found only in the system's directories.
        File.Exists(mark).Should().BeFalse("the scripts in the current directory and on PATH never run");
        foreach (var tool in new[] { "ip", "nft" })
        {
            var found = NetworkCommand.Find(tool);
            found.Should().NotBeNull();
            NetworkCommand.SystemDirectories.Should().Contain(Path.GetDirectoryName(found));
        }

        dir.Delete(recursive: true);
    }

    private static async Task<List<string>> NamesAsync(IsolationHelper.Helper helper, CancellationToken ct)
        => [.. (await IsolationHelper.ReadUntilAsync(helper, "ready", HelperLimit, ct)).Where(l => l.StartsWith("ns ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1])];

    /// <summary>The packets the guard of namespace <paramref name="netns"/> dropped for IPv4.</summary>
    private static long GuardDrops(string netns)
    {
        var text = Kernel.Run("ip", "netns", "exec", netns, NetworkCommand.Find("nft")!, "list", "chain", "inet", "ctraffic", "guard");
        var line = text.Split('\n').Single(l => l.Contains("ip daddr", StringComparison.Ordinal));
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(words[Array.IndexOf(words, "packets") + 1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The packets the guard of a service's root table dropped.</summary>
    private static long ServiceGuardDrops(string table)
    {
        var words = Kernel.Run("nft", "list", "chain", "ip", table, "guard").Split([' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(words[Array.IndexOf(words, "packets") + 1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void SendIgnoringRefusal(Socket udp, IPEndPoint to)
    {
        try
        {
            udp.SendTo([1, 2, 3], to);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AccessDenied or SocketError.OperationNotSupported)
        {
            // A dropped packet is EPERM to the sender: the drop is what is checked.
        }
    }
}
