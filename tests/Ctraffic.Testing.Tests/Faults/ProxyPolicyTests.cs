using System.Net;
using Ctraffic.Testing.Tests.Balancing;
using FluentAssertions;

namespace Ctraffic.Testing.Tests.Faults;

/// <summary>A proxy in front of a server at several addresses picks among them by its policy, as a balancer picks among its backends.</summary>
public class ProxyPolicyTests
{
    [Fact(Timeout = 30_000)]
    public async Task ByDefaultAProxyTakesTheAddressesInTurn()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: a proxy with the default policy over a server known at two addresses (two echo servers).
        await using var a = CtrafficServer.InProcess(s => s.HostName = "a");
        await using var b = CtrafficServer.InProcess(s => s.HostName = "b");
        await using var proxy = FaultProxy.Start($"{a.Address},{b.Address}", o => o.Udp = false);

        // When: eight connections are made one after the other.
        var probes = new List<Probe>();
        try
        {
            await ConnectAsync(probes, proxy.Address, 8, ct);

            // Then: the two addresses take turns.
            probes.Select(p => p.Host).Distinct().Should().HaveCount(2);
            probes.Where((_, i) => i % 2 == 0).Select(p => p.Host).Distinct().Should().ContainSingle("every other connection goes to the same address");
            probes.GroupBy(p => p.Host).Should().OnlyContain(g => g.Count() == 4);
        }
        finally
        {
            probes.ForEach(p => p.Dispose());
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task SourceHashKeepsEachSourceAddressOnOneAddressOfTheServer()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: a source-hash proxy over a server known at two addresses (two echo servers).
        await using var a = CtrafficServer.InProcess(s => s.HostName = "a");
        await using var b = CtrafficServer.InProcess(s => s.HostName = "b");
        await using var proxy = FaultProxy.Start(CtrafficServer.External($"{a.Address},{b.Address}"), o =>
        {
            o.Policy = BalancingPolicy.SourceHash;
            o.Udp = false;
        });

        // When: eight sources of 127.0.0.0/8 make five connections each.
        var probes = new List<Probe>();
        try
        {
            for (var source = 2; source < 10; source++)
            {
                await ConnectAsync(probes, proxy.Address, 5, ct, IPAddress.Parse($"127.0.0.{source}"));
            }

            // Then: all connections of a source land on one server, and both servers get sources.
            var bySource = probes.GroupBy(p => ((IPEndPoint)p.Socket.LocalEndPoint!).Address).ToList();
            bySource.Should().HaveCount(8).And.OnlyContain(g => g.Select(p => p.Host).Distinct().Count() == 1);
            bySource.Select(g => g.First().Host).Distinct().Should().BeEquivalentTo(["a", "b"]);
        }
        finally
        {
            probes.ForEach(p => p.Dispose());
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task LeastConnectionsSendsNewConnectionsToTheAddressWithTheFewest()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: a least-connections proxy over a server at two addresses, two connections on each.
        await using var a = CtrafficServer.InProcess(s => s.HostName = "a");
        await using var b = CtrafficServer.InProcess(s => s.HostName = "b");
        await using var proxy = FaultProxy.Start($"{a.Address},{b.Address}", o =>
        {
            o.Policy = BalancingPolicy.LeastConnections;
            o.Udp = false;
        });
        var probes = new List<Probe>();
        try
        {
            await ConnectAsync(probes, proxy.Address, 4, ct);

            probes.GroupBy(p => p.Host).Should().HaveCount(2).And.OnlyContain(g => g.Count() == 2);

            // When: both connections on "a" close, and three new ones are made.
            foreach (var gone in probes.Where(p => p.Host == "a").ToList())
            {
                gone.Dispose();
                probes.Remove(gone);
            }

            (await Eventually.TrueAsync(() => proxy.GetStatistics().Connections == 2, TimeSpan.FromSeconds(5))).Should().BeTrue();
            var fresh = new List<Probe>();
            await ConnectAsync(fresh, proxy.Address, 3, ct);
            probes.AddRange(fresh);

            // Then: the first two go to "a" (0, then 1 against 2), the third to either (2 and 2).
            fresh.Take(2).Select(p => p.Host).Should().Equal("a", "a");
            proxy.GetStatistics().Connections.Should().Be(5);
        }
        finally
        {
            probes.ForEach(p => p.Dispose());
        }
    }

    /// <summary>Adds <paramref name="count"/> connections through <paramref name="address"/> to <paramref name="probes"/>, one after the other.</summary>
    private static async Task ConnectAsync(List<Probe> probes, string address, int count, CancellationToken ct, IPAddress? source = null)
    {
        for (var i = 0; i < count; i++)
        {
            probes.Add(await Probe.ConnectAsync(address, ct, source));
        }
    }
}
