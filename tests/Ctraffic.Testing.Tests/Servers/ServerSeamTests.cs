using System.Net;
using System.Net.Sockets;
using Ctraffic.Testing.Servers.Internal;
using FluentAssertions;

namespace Ctraffic.Testing.Tests.Servers;

public class ServerSeamTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AKillMarksItselfAndTheRestartEndsTheDisruption()
    {
        // Given: traffic to an in-process server called backend-1
        await using var server = CtrafficServer.InProcess(s => s.HostName = "backend-1");
        await using var traffic = CtrafficFixture.Start(o => { o.Server = server; o.Connections = 4; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);

        // When: it is killed and started again, with no mark written by the test
        await server.KillAsync(Ct);
        server.IsRunning.Should().BeFalse();
        await server.StartAsync(Ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), Ct);
        var report = await traffic.StopAsync(Ct);

        // Then: the report has the disruption from the kill to the restart, and what it caused
        var mark = report.Marks.Should().ContainSingle().Which;
        mark.Name.Should().Be("kill backend-1");
        mark.End.Should().NotBeNull().And.BeGreaterThanOrEqualTo(mark.Time);
        report.Window("kill backend-1").Should().HaveLostConnections(4);
        report.TimeToRecoverAfter("kill backend-1").Should().NotBeNull().And.BeLessThan(TimeSpan.FromSeconds(2));
        report.Should().HaveRecoveredAfter("kill backend-1", within: TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task AStopClosesEveryConnectionAndIsMarked()
    {
        await using var server = CtrafficServer.InProcess(s => s.HostName = "backend-1");
        await using var traffic = CtrafficFixture.Start(o => { o.Server = server; o.Connections = 3; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);

        await server.StopAsync(Ct);
        await server.StartAsync("backend-2", Ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), Ct);
        var report = await traffic.StopAsync(Ct);

        var window = report.Window("stop backend-1");
        window.Should().HaveLostConnections(3);
        window.LostConnections.Should().OnlyContain(c => c.Host == "backend-1");
        server.HostName.Should().Be("backend-2");
        report.Hosts.Select(h => h.Host).Should().Equal("backend-1", "backend-2");
    }

    [Fact]
    public async Task ARecoveryThatTakesTooLongFailsSayingHowLong()
    {
        await using var server = CtrafficServer.InProcess(s => s.HostName = "backend-1");
        await using var traffic = CtrafficFixture.Start(o => { o.Server = server; o.Connections = 2; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        await server.KillAsync(Ct);
        await Task.Delay(TimeSpan.FromMilliseconds(300), Ct); // the downtime: the connections re-connect after the restart
        await server.StartAsync(Ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), Ct);
        var report = await traffic.StopAsync(Ct);

        var assert = () => report.Should().HaveRecoveredAfter("kill backend-1", within: TimeSpan.Zero);

        assert.Should().Throw<Exception>().WithMessage("Expected every connection echoing again within 0.0 s of the end of 'kill backend-1', but the last one took * s.");
    }

    [Fact]
    public async Task AnExternalServerSupportsNoDisruptionAndSaysSo()
    {
        await using var server = CtrafficServer.External("127.0.0.1:5003");

        var kill = () => server.KillAsync(Ct);

        server.Supports.Should().Be(ServerDisruptions.None);
        (await kill.Should().ThrowAsync<NotSupportedException>()).WithMessage("127.0.0.1:5003 (ExternalServer) cannot be killed; it supports: None");
    }

    [Fact]
    public async Task DisruptionsInTheWrongStateAreRefused()
    {
        await using var server = CtrafficServer.InProcess();

        var start = () => server.StartAsync(Ct);
        (await start.Should().ThrowAsync<InvalidOperationException>()).WithMessage("server is running: kill or stop it first");
        await server.KillAsync(Ct);
        var kill = () => server.KillAsync(Ct);
        (await kill.Should().ThrowAsync<InvalidOperationException>()).WithMessage("server is not running: start it first");
        var pause = () => server.PauseAsync(TimeSpan.FromSeconds(1), Ct);
        await pause.Should().ThrowAsync<NotSupportedException>();
    }

    [Fact]
    public async Task ConnectionsSpreadOverSeveralAddressesAndMoveAwayFromOneThatIsDown()
    {
        // Given: two servers, and traffic to both addresses
        await using var a = CtrafficServer.InProcess(s => s.HostName = "a");
        await using var b = CtrafficServer.InProcess(s => s.HostName = "b");
        await using var traffic = CtrafficFixture.Start(o => { o.Address = $"{a.Address},{b.Address}"; o.Connections = 10; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        traffic.GetReport().Hosts.Select(h => (h.Host, h.Connections)).Should().Equal(("a", 5), ("b", 5));

        // When: one is killed for good
        using (traffic.Disruption("kill a"))
        {
            await a.KillAsync(Ct);
        }

        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(10), Ct);
        var report = await traffic.StopAsync(Ct);

        // Then: its five connections are lost and re-connect to the other
        var window = report.Window("kill a");
        window.Should().HaveLostConnections(5);
        window.LostConnections.Should().OnlyContain(c => c.Host == "a");
        report.Statistics.ConnStats.Where(c => c.Error is null).Should().HaveCount(10).And.OnlyContain(c => c.Host == "b");
    }

    [Fact]
    public void SeveralAddressesAreCheckedOneByOne()
    {
        var start = () => CtrafficFixture.Start(o => o.Address = "127.0.0.1:1,nowhere");

        start.Should().Throw<ArgumentException>().Which.Message.Should().Contain("nowhere");
    }

    [Fact]
    public void AServerAndAnAddressTogetherAreRefused()
    {
        var start = () => CtrafficFixture.Start(o => { o.Address = "127.0.0.1:1"; o.Server = CtrafficServer.External("127.0.0.1:2"); });

        start.Should().Throw<ArgumentException>().WithMessage("Address and Server are both set: give one*");
    }

    [Fact]
    public async Task TheInProcessServerComesBackOnTheSamePort()
    {
        await using var server = CtrafficServer.InProcess();
        var address = server.Address;

        await server.KillAsync(Ct);
        using (var refused = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            var connect = () => refused.Connect(IPEndPoint.Parse(address));
            connect.Should().Throw<SocketException>().Which.SocketErrorCode.Should().Be(SocketError.ConnectionRefused);
        }

        await server.StartAsync(Ct);

        server.Address.Should().Be(address);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPEndPoint.Parse(address), Ct);
    }
}
