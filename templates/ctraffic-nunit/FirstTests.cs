using Ctraffic.Testing;
using FluentAssertions;
using NUnit.Framework;

namespace CtrafficFirstTests;

/// <summary>A server crashes and is started again: what do the clients see?</summary>
public class FirstTests
{
    [Test]
    [CancelAfter(30_000)] // gives the test a cancellation token, and a time limit
    public async Task ARestartedServerLosesEveryConnectionAndTrafficRecoversWithinASecond()
    {
        var ct = TestContext.CurrentContext.CancellationToken;

        // Given: 10 connections of steady traffic (10 packets a second each) to an in-process
        // ctraffic server called "backend-1". The monitor line goes to the test output.
        await using var server = CtrafficServer.InProcess(s => s.HostName = "backend-1");
        await using var traffic = CtrafficFixture.Start(o =>
        {
            o.Server = server;
            o.Connections = 10;
        });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: the server crashes (every socket is reset) and is started again on the same port.
        // The kill marks itself: the report has a window "kill backend-1" from the crash on.
        await server.KillAsync(ct);
        await server.StartAsync("backend-2", ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), ct);
        var report = await traffic.StopAsync(ct);

        // Then: every connection was lost with the server, and all of them echoed again within a second.
        report.Window("kill backend-1").Should().HaveLostConnections(10);
        report.Should().HaveRecoveredAfter("kill backend-1", within: TimeSpan.FromSeconds(1));
    }
}
