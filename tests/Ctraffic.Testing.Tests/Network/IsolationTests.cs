using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Ctraffic.Testing.Network.Internal;
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

    [Theory(Timeout = 180_000)]
    [InlineData(4, 10, 2)]
    [InlineData(8, 4, 4)]
    public async Task ProcessesStartedTogetherNeverShareANamespaceAddressOrNameEvenAsPidOneOfTheirOwnPidNamespaces(int processes, int each, int pidOne)
    {
        KernelFaults.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;

        // Given: helper processes started at once, each making its namespaces; the first ones
        // are PID 1 of PID namespaces of their own (the same PID, as far as they can tell), all
        // in the one network namespace.
        var helpers = Enumerable.Range(0, processes).Select(i => IsolationHelper.Start(each, ownPidNamespace: i < pidOne)).ToList();
        try
        {
            // When: all have made theirs.
            var outputs = await Task.WhenAll(helpers.Select(h => IsolationHelper.ReadUntilAsync(h, "ready", HelperLimit, ct)));
            var made = outputs.SelectMany(o => o.Where(l => l.StartsWith("ns ", StringComparison.Ordinal)).Select(l => l.Split(' '))).ToList();

            // Then: every namespace made, no name or address twice, all in 198.18.0.0/16, all there at once;
            made.Should().HaveCount(processes * each);
            outputs.Take(pidOne).SelectMany(o => o).Where(l => l.StartsWith("ns ", StringComparison.Ordinal)).Should().OnlyContain(l => l.EndsWith(" pid 1", StringComparison.Ordinal));
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
        IsolationHelper.SkipIfIgnored(signal);
        var ct = TestContext.Current.CancellationToken;

        // Given: a helper process holding three namespaces.
        using var helper = IsolationHelper.Start(3);
        var names = (await IsolationHelper.ReadUntilAsync(helper, "ready", HelperLimit, ct)).Where(l => l.StartsWith("ns ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]).ToList();
        Kernel.TestNames().Should().Contain(names);

        // When: it gets the signal.
        Kernel.Run("kill", "-" + signal, helper.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await helper.WaitForExitAsync(TimeSpan.FromSeconds(60), ct);

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

    [Fact(Timeout = 120_000)]
    public async Task ProcessesWhosePidsAreEqualModulo1024NeverShareANamespaceAddressOrName()
    {
        KernelFaults.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;

        // Given: a helper, and another whose PID is the first's plus a multiple of 1024 (set with
        // ns_last_pid), both making four namespaces at once.
        using var first = IsolationHelper.Start(4);
        // (PIDs from 301 up: the kernel gives lower ones only before its first wrap.)
        var max = int.Parse(File.ReadAllText("/proc/sys/kernel/pid_max").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var candidates = Enumerable.Range(1, max / 1024).SelectMany(k => new[] { first.Process.Id + (k * 1024), first.Process.Id - (k * 1024) }).Where(p => p > 300 && p < max);
        IsolationHelper.Helper? second = null;
        var why = new List<string>();
        foreach (var pid in candidates)
        {
            second = IsolationHelper.StartWithPid(pid, "namespaces:4", ownPidNamespace: false, out var not);
            if (second is not null)
            {
                break;
            }

            why.Add(not);
        }

        second.Should().NotBeNull("a PID equal to {0} modulo 1024 is free, but {1}", first.Process.Id, string.Join("; ", why));
        using (second)
        {
            (second!.Process.Id % 1024).Should().Be(first.Process.Id % 1024);

            // When: both have made theirs.
            var made = (await Task.WhenAll(new[] { first, second }.Select(h => IsolationHelper.ReadUntilAsync(h, "ready", HelperLimit, ct))))
                .SelectMany(o => o.Where(l => l.StartsWith("ns ", StringComparison.Ordinal)).Select(l => l.Split(' '))).ToList();

            // Then: eight namespaces, no name or address twice, all there at once (none deleted under its owner);
            made.Should().HaveCount(8);
            made.Select(m => m[1]).Should().OnlyHaveUniqueItems();
            made.Select(m => m[2]).Concat(made.Select(m => m[3])).Should().OnlyHaveUniqueItems();
            made.Select(m => m[5]).Distinct().Should().BeEquivalentTo([first.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), second.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            Kernel.TestNames().Should().Contain(made.Select(m => m[1]));

            // and once they end, none is left.
            await EndAsync([first, second], ct);
            Kernel.TestNames().Should().NotIntersectWith(made.Select(m => m[1]));
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task AProcessWithTheKilledOwnersPidSweepsItsNamespacesAndKeepsALiveOwnersAndItsOwn()
    {
        KernelFaults.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;

        // Given: a helper killed (SIGKILL: no clean-up) while it held three namespaces, and one
        // that lives with two.
        using var killed = IsolationHelper.Start(3);
        using var alive = IsolationHelper.Start(2);
        var left = await NamesAsync(killed, ct);
        var kept = await NamesAsync(alive, ct);
        var pid = killed.Process.Id;
        killed.Process.Kill();
        await killed.Process.WaitForExitAsync(ct);
        Kernel.TestNames().Should().Contain(left, "SIGKILL leaves them");

        // When: a new helper gets the killed one's PID (ns_last_pid) and makes three namespaces:
        // its first one sweeps.
        using var next = IsolationHelper.StartWithPid(pid, "namespaces:3", ownPidNamespace: false, out var why);
        next.Should().NotBeNull("the killed helper's PID is free again, but {0}", why);
        next!.Process.Id.Should().Be(pid);
        var mine = await NamesAsync(next, ct);

        // Then: the killed one's are gone (but for any the new one took again, freed by the sweep),
        // the live one's and the new one's stay, and no name is held twice or left without an owner.
        mine.Should().HaveCount(3);
        var now = Kernel.TestNames();
        now.Should().NotIntersectWith(left.Except(mine)).And.Contain(kept).And.Contain(mine);
        mine.Concat(kept).Should().OnlyHaveUniqueItems();
        Kernel.Unclaimed().Should().BeEmpty("every name left has a living owner");

        await EndAsync([alive, next], ct);
        Kernel.TestNames().Should().NotIntersectWith(kept.Concat(mine));
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
    public async Task EveryNamespaceHasAGuardThatDropsDestinationsOutsideTheTestRangesBeforeRouting()
    {
        KernelFaults.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;

        // Given: a new namespace. (The guard is checked by its rules and its counter, not by sending
        // a packet to an outside address: test traffic goes to loopback and the test's own ranges only.)
        await using var ns = await NetworkNamespace.CreateAsync(ct);

        // Then: its guard chain sits on the output hook and drops, with a counter, every IPv4
        // destination but loopback and 198.18.0.0/15, and every IPv6 one but ::1 and fd00::/8 ...
        var text = Kernel.Run("ip", "netns", "exec", ns.Name, NetworkCommand.Find("nft")!, "list", "chain", "inet", "ctraffic", "guard");
        text.Should().Contain("hook output");
        var v4 = text.Split('\n').Single(l => l.Contains("ip daddr", StringComparison.Ordinal));
        v4.Should().Contain("127.0.0.0/8").And.Contain("198.18.0.0/15").And.Contain("counter").And.Contain("drop");
        text.Split('\n').Should().Contain(l => l.Contains("ip6 daddr", StringComparison.Ordinal) && l.Contains("fd00::/8", StringComparison.Ordinal) && l.Contains("drop", StringComparison.Ordinal));

        // ... and the test's own traffic passes it: a datagram to the root end is not counted.
        var before = GuardDrops(ns.Name);
        ns.Run(() =>
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            SendIgnoringRefusal(udp, new IPEndPoint(ns.HostAddress, 9));
            return 0;
        });
        GuardDrops(ns.Name).Should().Be(before);
    }

    [Fact(Timeout = 60_000)]
    public async Task AServiceHasAGuardThatDropsConnectionsDnatedOutsideTheTestRanges()
    {
        KernelFaults.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;

        // Given: a service (checked by its rules: no connection is DNAT-ed to an outside address here).
        await using var service = await ClusterIpService.StartAsync(1, cancellationToken: ct);

        // Then: its root table has a postrouting guard that drops the virtual IP's connections to
        // anything but loopback and 198.18.0.0/15, and the library refuses such an endpoint itself.
        var guard = Kernel.Run("nft", "list", "chain", "ip", service.TableName, "guard");
        guard.Should().Contain("hook postrouting").And.Contain("198.18.0.0/15").And.Contain("counter").And.Contain("drop");
        ServiceGuardDrops(service.TableName).Should().Be(0);
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

    /// <summary>Closes the helpers' standard input and waits until each has removed its namespaces and exited with 0.</summary>
    private static async Task EndAsync(IReadOnlyList<IsolationHelper.Helper> helpers, CancellationToken ct)
    {
        foreach (var h in helpers)
        {
            h.Process.StandardInput.Close();
        }

        await Task.WhenAll(helpers.Select(h => IsolationHelper.ReadUntilAsync(h, "done", HelperLimit, ct)));
        await Task.WhenAll(helpers.Select(h => h.Process.WaitForExitAsync(ct)));
        helpers.Should().OnlyContain(h => h.Process.ExitCode == 0);
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
