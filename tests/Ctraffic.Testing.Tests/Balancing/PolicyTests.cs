using System.Net;
using FluentAssertions;

namespace Ctraffic.Testing.Tests.Balancing;

public class PolicyTests
{
    [Fact(Timeout = 30_000)]
    public async Task RoundRobinSpreadsAHundredConnectionsOverFourBackendsTwentyFiveEach()
    {
        var ct = TestContext.Current.CancellationToken;
        // Given: four backends behind a round-robin balancer
        await using var backends = Backends.StartInProcess(4);
        await using var balancer = LoadBalancer.Start(backends);

        // When: 100 connections are made one after the other
        var probes = new List<Probe>();
        try
        {
            for (var i = 0; i < 100; i++)
            {
                probes.Add(await Probe.ConnectAsync(balancer.Address, ct));
            }

            // Then: each backend serves 25, by the handshake and by the balancer's count
            probes.GroupBy(p => p.Host).Select(g => (g.Key, g.Count())).Should()
                .BeEquivalentTo([("backend-1", 25), ("backend-2", 25), ("backend-3", 25), ("backend-4", 25)]);
            backends.Select(balancer.ConnectionsTo).Should().Equal(25, 25, 25, 25);
        }
        finally
        {
            probes.ForEach(p => p.Dispose());
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task SourceHashKeepsEachSourceAddressOnOneBackend()
    {
        var ct = TestContext.Current.CancellationToken;
        // Given: four backends behind a source-hash balancer
        await using var backends = Backends.StartInProcess(4);
        await using var balancer = LoadBalancer.Start(backends, o => o.Policy = BalancingPolicy.SourceHash);

        // When: eight sources of 127.0.0.0/8 make ten connections each
        var probes = new List<Probe>();
        try
        {
            for (var source = 2; source < 10; source++)
            {
                for (var i = 0; i < 10; i++)
                {
                    probes.Add(await Probe.ConnectAsync(balancer.Address, ct, IPAddress.Parse($"127.0.0.{source}")));
                }
            }

            // Then: every source stays on one backend, and the sources do not all share one
            var bySource = probes.GroupBy(p => ((IPEndPoint)p.Socket.LocalEndPoint!).Address).ToList();
            bySource.Should().HaveCount(8).And.OnlyContain(g => g.Select(p => p.Host).Distinct().Count() == 1);
            bySource.Select(g => g.First().Host).Distinct().Should().HaveCountGreaterThan(1);
        }
        finally
        {
            probes.ForEach(p => p.Dispose());
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task LeastConnectionsSendsNewConnectionsToTheBackendWithTheFewest()
    {
        var ct = TestContext.Current.CancellationToken;
        // Given: two backends behind a least-connections balancer, two connections on each
        await using var backends = Backends.StartInProcess(2);
        await using var balancer = LoadBalancer.Start(backends, o => o.Policy = BalancingPolicy.LeastConnections);
        var probes = new List<Probe>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                probes.Add(await Probe.ConnectAsync(balancer.Address, ct));
            }

            backends.Select(balancer.ConnectionsTo).Should().Equal(2, 2);

            // When: both connections on backend-1 close, and three new ones are made
            foreach (var gone in probes.Where(p => p.Host == "backend-1").ToList())
            {
                gone.Dispose();
                probes.Remove(gone);
            }

            (await Eventually.TrueAsync(() => balancer.ConnectionsTo(backends[0]) == 0, TimeSpan.FromSeconds(5))).Should().BeTrue();
            var fresh = new List<Probe>();
            for (var i = 0; i < 3; i++)
            {
                fresh.Add(await Probe.ConnectAsync(balancer.Address, ct));
            }

            probes.AddRange(fresh);

            // Then: the first two go to backend-1 (0, then 1 against 2), the third to either (2 and 2)
            fresh.Take(2).Select(p => p.Host).Should().Equal("backend-1", "backend-1");
            backends.Select(balancer.ConnectionsTo).Sum().Should().Be(5);
        }
        finally
        {
            probes.ForEach(p => p.Dispose());
        }
    }
}
