using Ctraffic.Testing;
using Ctraffic.Testing.Verdicts;

namespace Ctraffic.Examples;

/// <summary>
/// <see cref="ServerRestartTests"/> without an assertion library: xUnit's <c>Assert</c> for the
/// counts, and the checks of <see cref="TrafficVerdicts"/> for what the assertion packages say with
/// <c>report.Should()</c>. A failed check throws a <see cref="TrafficAssertionException"/> with the
/// same message. Needs only <c>Ctraffic.Testing.Xunit</c> (or <c>Ctraffic.Testing</c>).
/// </summary>
public class ServerRestartPlainAssertTests
{
    private static readonly TimeSpan Downtime = TimeSpan.FromSeconds(0.5);

    [Fact]
    public async Task ARestartedServerLosesEveryConnectionAndTrafficRecoversWithinASecondOfItsReturn()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: 20 connections, 10 packets a second each, to an in-process server "backend-1"
        await using var server = CtrafficServer.InProcess(s => s.HostName = "backend-1");
        await using var traffic = CtrafficFixture.Start(o =>
        {
            o.Server = server;
            o.Connections = 20;
            o.RateKBps = 200;
        });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: the server crashes, stays down for half a second and is started again as "backend-2"
        await server.KillAsync(ct);
        await Task.Delay(Downtime, ct); // the downtime itself
        await server.StartAsync("backend-2", ct);

        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), ct);
        var report = await traffic.StopAsync(ct);

        // Then: nothing was lost before the crash ...
        TrafficVerdicts.LostNoConnections(report.Before("kill backend-1")).ThrowIfFailed();

        // ... the crash lost every connection, all of them on the killed host ...
        var kill = report.Window("kill backend-1");
        TrafficVerdicts.LostConnections(kill, 20).ThrowIfFailed();
        Assert.All(kill.LostConnections, c => Assert.Equal("backend-1", c.Host));

        // ... nothing got through for the downtime (less up to one packet interval) ...
        Assert.True(kill.LongestRunOutage > Downtime - report.PacketInterval, $"the longest run outage was {kill.LongestRunOutage}");

        // ... and every connection echoed again, from the new server, within a second of its return.
        var allowed = Downtime + TimeSpan.FromSeconds(1);
        TrafficVerdicts.NoOutageLongerThan(kill, allowed).ThrowIfFailed();
        TrafficVerdicts.RecoveredWithin(kill, allowed).ThrowIfFailed("the clients reconnect at once");
        Assert.Contains(report.Hosts, h => h.Host == "backend-2" && h.Connections == 20);
    }
}
