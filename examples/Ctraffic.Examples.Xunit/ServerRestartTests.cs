using Ctraffic.Testing;

namespace Ctraffic.Examples;

/// <summary>
/// A backend crashes and is restarted on the same port. What do the clients see? Every connection
/// is lost, nothing gets through while the server is down, and every connection echoes again
/// shortly after the server is back.
/// </summary>
public class ServerRestartTests
{
    private static readonly TimeSpan Downtime = TimeSpan.FromSeconds(0.5);

    [Fact]
    public async Task ARestartedServerLosesEveryConnectionAndTrafficRecoversWithinASecondOfItsReturn()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: 20 connections, 10 packets a second each, to an in-process ctraffic server
        // called "backend-1". The monitor line goes to the test output every second; the
        // statistics and a timeline graph are attached to the test result when the traffic stops.
        await using var server = CtrafficServer.InProcess(s => s.HostName = "backend-1");
        await using var traffic = CtrafficFixture.Start(o =>
        {
            o.Server = server;
            o.Connections = 20;
            o.RateKBps = 200;
        });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: the server crashes (every socket is reset), stays down for half a second and is
        // started again on the same port, as a new version "backend-2". The kill marks itself:
        // the report has a window "kill backend-1" from the crash on.
        await server.KillAsync(ct);
        await Task.Delay(Downtime, ct); // the downtime itself
        await server.StartAsync("backend-2", ct);

        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), ct);
        var report = await traffic.StopAsync(ct);

        // Then: nothing was lost before the crash ...
        report.Before("kill backend-1").Should().HaveLostNoConnections();

        // ... the crash lost every connection, all of them on the killed host ...
        var kill = report.Window("kill backend-1");
        kill.Should().HaveLostConnections(20);
        kill.LostConnections.Should().OnlyContain(c => c.Host == "backend-1");

        // ... nothing got through for the downtime: an outage is measured from the first echo
        // missed, so it may start up to one packet interval after the crash ...
        kill.LongestRunOutage.Should().BeGreaterThan(Downtime - report.PacketInterval);

        // ... and every connection echoed again, from the new server, within a second of its return.
        var allowed = Downtime + TimeSpan.FromSeconds(1);
        kill.Should().HaveNoOutageLongerThan(allowed).And.HaveRecoveredWithin(allowed);
        report.Hosts.Should().Contain(h => h.Host == "backend-2" && h.Connections == 20);
    }
}
