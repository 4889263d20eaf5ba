using Ctraffic.Statistics;
using FluentAssertions;

namespace Ctraffic.Testing.Tests;

public class ContinuousTrafficTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASteadyRunLosesNothingAndMeasuresRoundTrips()
    {
        await using var server = CtrafficServer.InProcess(s => s.HostName = "steady");
        await using var traffic = CtrafficFixture.Start(o => o.Server = server);
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        traffic.Mark("steady");
        await WaitUntil(() => traffic.Snapshot().Received >= 100);

        var report = await traffic.StopAsync(Ct);

        report.Should().HaveLostNoConnections().And.HaveLostNoPackets();
        report.Outages.Should().BeEmpty();
        report.Rtt.Count.Should().Be(report.Received);
        report.Rtt.Min.Should().BePositive();
        report.Rtt.P50.Should().BeLessThanOrEqualTo(report.Rtt.P99).And.BeLessThan(TimeSpan.FromSeconds(1));
        var host = report.Hosts.Should().ContainSingle().Which;
        (host.Host, host.Connections, host.Lost, host.Sent, host.Received).Should().Be(("steady", 10, 0, report.Sent, report.Received));
        host.Rtt!.Count.Should().Be(report.Received, "every round trip is kept for its host too");
        host.Outages.Should().BeEquivalentTo(report.Outages);
        report.After("steady").Received.Should().BePositive().And.BeLessThan(report.Received);
    }

    [Fact]
    public async Task AServerDownForOneSecondGivesAnOutageOfOneSecond()
    {
        await using var server = CtrafficServer.InProcess(s => s.HostName = "backend-1");
        await using var traffic = CtrafficFixture.Start(o => o.Server = server);
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);

        await server.KillAsync(Ct); // marks "kill backend-1"
        await Task.Delay(TimeSpan.FromSeconds(1), Ct); // the disruption: the server is down for 1 s
        await server.StartAsync("backend-2", Ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), Ct);
        var report = await traffic.StopAsync(Ct);

        var window = report.Window("kill backend-1");
        var tolerance = report.PacketInterval + TimeSpan.FromMilliseconds(100);
        window.LongestOutage.Should().BeCloseTo(TimeSpan.FromSeconds(1), tolerance);
        window.Outages.Should().HaveCount(10).And.OnlyContain(o => o.Recovered);
        window.LongestRunOutage.Should().BeCloseTo(TimeSpan.FromSeconds(1), tolerance, "all ten connections were down at once");
        window.Should().HaveLostConnections(10).And.HaveRecoveredWithin(TimeSpan.FromSeconds(1.5));
        window.LostConnections.Should().OnlyContain(c => c.Host == "backend-1");
        window.Reconnects.Should().HaveCount(10).And.OnlyContain(r => r.TimeToReconnect < TimeSpan.FromSeconds(1.3));
        report.Before("kill backend-1").Should().HaveLostNoConnections();
        report.Hosts.Select(h => h.Host).Should().Equal("backend-1", "backend-2");
    }

    [Fact]
    public async Task WaitForRecoveryDoesNotReturnBeforeTheDisruptionIsNoticed()
    {
        await using var traffic = CtrafficFixture.Start(o => o.Connections = 4);
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);

        await traffic.Server.KillAsync(Ct);
        var wait = async () => await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(1), Ct);

        (await wait.Should().ThrowAsync<TrafficTimeoutException>())
            .WithMessage("traffic not recovered within 1 s: 0 of 4 connections echoing*");
    }

    [Fact]
    public async Task AnUnreachableTargetIsNotSteadyAndTheMessageSaysWhy()
    {
        using var closed = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        closed.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        await using var traffic = CtrafficFixture.Start(o => { o.Address = HostPort.Format(closed.LocalEndPoint); o.Connections = 2; });

        var wait = async () => await traffic.WaitForSteadyStateAsync(TimeSpan.FromSeconds(1), Ct);

        (await wait.Should().ThrowAsync<TrafficTimeoutException>())
            .WithMessage("traffic not steady within 1 s: 0 of 2 connections echoing, 0 connected, 2 connecting*failed connects; last error: dial tcp 127.0.0.1:*: connect: connection refused");
    }

    [Fact]
    public async Task CancellationStopsTheTrafficPromptly()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        await using var traffic = ContinuousTraffic.Start(new ContinuousTrafficOptions { Connections = 5 }, cts.Token);
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);

        await cts.CancelAsync();
        var stats = await traffic.Run.Completion.WaitAsync(TimeSpan.FromSeconds(2), Ct);

        stats.EndReason.Should().Be(TrafficEndReason.Stopped);
        stats.FailedConnections.Should().Be(0);
    }

    [Fact]
    public async Task TheJsonIsTheOriginalsWithAddedFields()
    {
        await using var traffic = CtrafficFixture.Start(o => o.Connections = 2);
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        traffic.Mark("m1");
        var report = await traffic.StopAsync(Ct);

        var json = report.ToJson();
        var back = StatisticsJson.Read(json);

        back.Sent.Should().Be(report.Sent);
        back.ConnStats.Should().HaveCount(2);
        json.Should().Contain("\"Rtt\":{\"Count\":").And.Contain("\"Marks\":[{\"Name\":\"m1\",\"Time\":").And.Contain("\"Outages\":[]");
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        doc.RootElement.EnumerateObject().Select(p => p.Name).Take(11).Should().Equal(
            "Started", "Duration", "Rate", "Connections", "PacketSize", "FailedConnections", "Sent", "Received", "Dropped", "Retransmits", "FailedConnects");
    }

    [Fact]
    public async Task AnUnknownMarkNamesTheMarksThereAre()
    {
        await using var traffic = CtrafficFixture.Start(o => o.Connections = 1);
        traffic.Mark("a");
        traffic.Mark("b");
        var report = await traffic.StopAsync(Ct);

        var window = () => report.Window("c");
        window.Should().Throw<ArgumentException>().WithMessage("no mark named 'c'; the marks are 'a', 'b'*");
    }

    [Theory]
    [InlineData("Connections")]
    [InlineData("RateKBps")]
    [InlineData("Address")]
    [InlineData("SteadyStateTimeout")]
    [InlineData("MaxConnectBackoff")]
    public async Task InvalidOptionsAreRejectedNamingTheOption(string option)
    {
        var start = () => CtrafficFixture.Start(o =>
        {
            switch (option)
            {
                case "Connections": o.Connections = 0; break;
                case "RateKBps": o.RateKBps = 0; break;
                case "Address": o.Address = "nowhere"; break;
                case "SteadyStateTimeout": o.SteadyStateTimeout = TimeSpan.Zero; break;
                case "MaxConnectBackoff": o.MaxConnectBackoff = TimeSpan.FromMilliseconds(1); break;
            }
        });

        start.Should().Throw<ArgumentException>().Which.ParamName.Should().Be(option);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, Ct);
        }

        condition().Should().BeTrue();
    }
}
