using Ctraffic.Testing.Containers;
using FluentAssertions;
using DotNet.Testcontainers.Configurations;
using Microsoft.Extensions.Time.Testing;

namespace Ctraffic.Testing.Tests;

/// <summary>Traffic to a ctraffic server in a real container, disrupted for real.</summary>
public class ContainerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TrafficToAContainerIsAnsweredByItsHostName()
    {
        DockerEnvironment.Require();
        await using var server = await CtrafficContainer.StartAsync(o => o.HostName = "box-1", Ct);
        await using var traffic = CtrafficFixture.Start(o => { o.Server = server; o.Connections = 5; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);

        var report = await traffic.StopAsync(Ct);

        report.Should().HaveLostNoConnections().And.HaveLostNoPackets();
        report.Hosts.Should().ContainSingle().Which.Host.Should().Be("box-1");
    }

    [Fact]
    public async Task APausedContainerKeepsItsConnectionsButMakesAnOutage()
    {
        DockerEnvironment.Require();
        await using var server = await CtrafficContainer.StartAsync(o => o.HostName = "box-2", Ct);
        await using var traffic = CtrafficFixture.Start(o => { o.Server = server; o.Connections = 5; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);

        using (traffic.Disruption("pause 500 ms"))
        {
            await server.PauseAsync(TimeSpan.FromMilliseconds(500), Ct);
        }

        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), Ct);
        var window = (await traffic.StopAsync(Ct)).Window("pause 500 ms");

        window.Should().HaveLostNoConnections("TCP rides out a short freeze");
        window.LongestOutage.Should().BeCloseTo(TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(300));
        window.Dropped.Should().BePositive("the senders fell behind while the echoes were held");
    }

    [Fact]
    public async Task APauseLastsAsLongAsTheContainersClockSays()
    {
        DockerEnvironment.Require();
        var clock = new FakeTimeProvider();
        await using var server = await CtrafficContainer.StartAsync(o => { o.HostName = "box-5"; o.TimeProvider = clock; }, Ct);

        // Given a pause of an hour on a fake clock
        var pause = server.PauseAsync(TimeSpan.FromHours(1), Ct);
        (await Eventually.TrueAsync(() => !server.IsRunning, TimeSpan.FromSeconds(30))).Should().BeTrue("the container is paused");
        (await StateAsync(server)).Should().Be("paused");
        pause.IsCompleted.Should().BeFalse("no time has passed on the container's clock");

        // When the clock moves on by the hour
        clock.Advance(TimeSpan.FromHours(1));

        // Then the container runs again
        await pause.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        server.IsRunning.Should().BeTrue();
        (await StateAsync(server)).Should().Be("running");
    }

    [Fact]
    public async Task AStoppedAndRestartedContainerLosesEveryConnectionAndTheyComeBack()
    {
        DockerEnvironment.Require();
        await using var server = await CtrafficContainer.StartAsync(o => o.HostName = "box-3", Ct);
        await using var traffic = CtrafficFixture.Start(o => { o.Server = server; o.Connections = 5; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);

        using (traffic.Disruption("restart"))
        {
            await server.StopAsync(Ct);
            await server.StartAsync(Ct);
        }

        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(10), Ct);
        var window = (await traffic.StopAsync(Ct)).Window("restart");

        // Docker's port proxy accepts connects while the server is down and then resets them:
        // such short-lived connections count as lost too, on no host.
        window.LostConnections.Where(c => c.Host == "box-3").Should().HaveCount(5, "every connection to the stopped server is lost");
        window.LostConnections.Should().OnlyContain(c => c.Host == "box-3" || c.Received == 0);
        window.LostConnections.Count.Should().BeLessThan(100, "a connection that fails before its first echo is retried after a back-off, not in a hot loop");
        window.Should().HaveRecoveredWithin(TimeSpan.FromSeconds(10));
        traffic.GetReport().Hosts.Should().Contain(h => h.Host == "box-3" && h.Lasting == 5, "the new connections are served by the restarted server");
    }

    [Fact]
    public async Task AMissingImageIsAClearError()
    {
        DockerEnvironment.Require();
        var start = async () => await CtrafficContainer.StartAsync(o => o.Image = "ctraffic:no-such-tag", Ct);

        (await start.Should().ThrowAsync<CtrafficContainerException>()).WithMessage("cannot start a container of ctraffic:no-such-tag*");
    }

    /// <summary>The container's state as the engine reports it ("running", "paused", ...).</summary>
    private static async Task<string?> StateAsync(CtrafficContainer server)
    {
        using var docker = TestcontainersSettings.OS.DockerEndpointAuthConfig.GetDockerClientBuilder(Guid.Empty).Build();
        return (await docker.Containers.InspectContainerAsync(server.Container.Id, Ct)).State?.Status;
    }
}
