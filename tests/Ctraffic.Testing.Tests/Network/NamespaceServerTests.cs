using Ctraffic.Testing.Network.Internal;
using FluentAssertions;

namespace Ctraffic.Testing.Tests.Network;

[Collection(KernelFaults.Name)]
public class NamespaceServerTests
{
    [Fact(Timeout = 60_000)]
    public async Task ANamespaceServerEchoesOverItsVethPairAndDisposingItLeavesNoNamespaceLinkOrRule()
    {
        KernelFaults.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;

        // Given: a server in a namespace of its own, with a fault applied, and traffic to it.
        var server = await NamespaceServer.StartAsync(name: "ns-backend", cancellationToken: ct);
        var name = server.Namespace.Name;
        try
        {
            server.Address.Should().Be($"{server.Namespace.Address}:5003");
            Subnets.IndexOf(server.Namespace.Address).Should().BeGreaterThanOrEqualTo(0, "the namespace's address is in 198.18.0.0/15");
            Subnets.IndexOf(server.Namespace.HostAddress).Should().Be(Subnets.IndexOf(server.Namespace.Address));
            server.Namespace.IPv6Address.GetAddressBytes()[0].Should().Be(0xfd);
            Kernel.Namespaces().Should().Contain(name);
            await using (var traffic = CtrafficFixture.Start(o =>
            {
                o.Server = server;
                o.Connections = 4;
            }))
            {
                await traffic.WaitForSteadyStateAsync(cancellationToken: ct);
                await server.Namespace.RateLimit(1000).ApplyAsync(ct);
                Kernel.Rules(name).Should().Contain("limit rate over 1000/second");

                // When: it stops.
                var report = await traffic.StopAsync(ct);

                // Then: everything went through the namespace ...
                report.Should().HaveLostNoConnections();
                report.Received.Should().BeGreaterThan(0);
                report.Hosts.Should().ContainSingle(h => h.Host == "ns-backend");
                report.Statistics.ConnStats.Should().OnlyContain(c => c.Remote == server.Address);
            }
        }
        finally
        {
            await server.DisposeAsync();
        }

        // ... and disposing removed the namespace, its veth pair and its rules.
        Kernel.Namespaces().Should().NotContain(name);
        Kernel.Links().Should().NotContain(name);
    }

    [Fact(Timeout = 60_000)]
    public async Task AKilledNamespaceServerResetsItsConnectionsAndServesAgainOnTheSameAddress()
    {
        KernelFaults.SkipUnlessAvailable();
        var ct = TestContext.Current.CancellationToken;

        // Given: traffic to a server in a namespace.
        await using var server = await NamespaceServer.StartAsync(name: "ns-backend", cancellationToken: ct);
        await using var traffic = CtrafficFixture.Start(o =>
        {
            o.Server = server;
            o.Connections = 5;
        });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: it is killed and started again (the listening socket made in the namespace again).
        await server.KillAsync(ct);
        await server.StartAsync(ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(10), ct);
        var report = await traffic.StopAsync(ct);

        // Then: the kill lost every connection, and they came back to the same address.
        report.Window("kill ns-backend").Should().HaveLostConnections(5);
        report.After("kill ns-backend").Statistics.ConnStats.Should().OnlyContain(c => c.Remote == server.Address);
    }
}
