using Ctraffic.Reports;
using Ctraffic.Testing;
using Ctraffic.Testing.Containers;

namespace Ctraffic.Examples.Containers;

/// <summary>
/// Three server containers on a network of the test's own, behind the in-process load balancer.
/// One is killed (SIGKILL): only its connections are lost, and they reconnect to the other two.
/// </summary>
public class ContainerFailoverTests
{
    [Fact]
    public async Task AKilledContainerLosesOnlyItsConnectionsAndTheyMoveToTheOthers()
    {
        Docker.Require();
        var ct = TestContext.Current.CancellationToken;

        // Given: backend-1..3 in containers, reached at their own addresses by the balancer, and 30
        // connections through it (round-robin: ten each)
        await using var network = await CtrafficNetwork.CreateAsync(ct);
        var containers = new List<CtrafficContainer>();
        for (var i = 1; i <= 3; i++)
        {
            var name = $"backend-{i}";
            containers.Add(await CtrafficContainer.StartAsync(o => { o.HostName = name; o.Network = network; }, ct));
        }

        try
        {
            await using var balancer = LoadBalancer.Start(containers);
            await using var traffic = CtrafficFixture.Start(o => { o.Server = balancer; o.Connections = 30; o.RateKBps = 300; });
            await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

            // When: backend-2's server process is killed (marks "kill backend-2" through the balancer)
            await containers[1].KillAsync(ct);
            await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(10), ct);
            var kill = (await traffic.StopAsync(ct)).Window("kill backend-2");

            // Then: its ten connections were lost, none on the others, and every lane ended on the others.
            // Checked by the hosts' names: a reconnect that the balancer sends to backend-2 while it dies
            // (its sockets close over a few milliseconds) is reset before its first reply, so its host is
            // unknown; HaveLostConnectionsOnlyOn("backend-2") would count it as lost elsewhere, and
            // HaveReconnectedOnlyTo would see that reconnect as not come back (its lane's next one does).
            kill.Should().HaveLostEveryConnectionOn("backend-2");
            var hosts = HostChanges.Of(kill);
            hosts.LostOn("backend-1").Should().Be(0, "backend-1 lost none: {0}", kill);
            hosts.LostOn("backend-3").Should().Be(0, "backend-3 lost none: {0}", kill);
            kill.Should().HaveEndedOnlyOn(h => h is "backend-1" or "backend-3", "backend-1 or backend-3")
                .And.HaveRecoveredWithin(TimeSpan.FromSeconds(3));
        }
        finally
        {
            foreach (var container in containers)
            {
                await container.DisposeAsync();
            }
        }
    }
}
