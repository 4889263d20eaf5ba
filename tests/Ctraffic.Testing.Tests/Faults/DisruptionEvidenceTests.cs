using Ctraffic.Testing.Internal;
using FluentAssertions;

namespace Ctraffic.Testing.Tests.Faults;

/// <summary>
/// What each disruption did, over real traffic on loopback: a fault on a proxy no traffic went
/// through is called out (by what the proxy counted, in the report, its JSON and the summary), and
/// a server's kill shows where it cut, how long nothing got through, and the windows that caught it.
/// </summary>
[Collection(SerialFaultTests.Name)]
public class DisruptionEvidenceTests
{
    [Fact(Timeout = 30_000)]
    public async Task AFaultOnAProxyNoTrafficCrossedIsCalledOutAndOneOnTheTrafficsPathIsCounted()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: 4 connections of 10 packets a second through proxy-1; proxy-2 is in front of the
        // same server, and records on the traffic, but no traffic goes through it.
        await using var server = CtrafficServer.InProcess(s => s.HostName = "backend-1");
        await using var used = FaultProxy.Start(server, o => o.Name = "proxy-1");
        await using var idle = FaultProxy.Start(server, o => o.Name = "proxy-2");
        await using var traffic = CtrafficFixture.Start(o => { o.Server = used; o.Connections = 4; o.RateKBps = 40; });
        using var recording = idle.RecordOn(traffic);
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: 20 ms of latency on each, one after the other
        await used.ApplyForAsync(Fault.Latency(TimeSpan.FromMilliseconds(20)), TimeSpan.FromSeconds(0.5), ct);
        await idle.ApplyForAsync(Fault.Latency(TimeSpan.FromMilliseconds(30)), TimeSpan.FromSeconds(0.5), ct);
        var report = await traffic.StopAsync(ct);

        // Then: the fault on the path was crossed by every connection's packets, both ways
        var crossed = report.Disruptions.Single(d => d.Name == "latency 20ms");
        crossed.Contact!.Source.Should().Be("proxy-1");
        crossed.Contact.Connections.Should().Be(4);
        crossed.Contact.Packets.Should().BeGreaterThanOrEqualTo(4 * 3, "4 connections × 10 packets a second × 0.5 s, less the start-up");
        crossed.TouchedTraffic.Should().BeTrue();
        report.Should().HaveHitTraffic("latency 20ms");

        // and the other one is called out, in the assertion, the summary and the JSON
        var missed = report.Disruptions.Single(d => d.Name == "latency 30ms");
        missed.TouchedTraffic.Should().BeFalse();
        var hit = () => report.Should().HaveHitTraffic("latency 30ms", "a fault that hits nothing proves nothing");
        hit.Should().Throw<Exception>().WithMessage(
            "Expected 'latency 30ms' to touch traffic because a fault that hits nothing proves nothing, but no traffic crossed it on proxy-2 (in window 'latency 30ms', * into the run).");
        var every = () => report.Should().HaveEveryDisruptionHitTraffic();
        every.Should().Throw<Exception>().WithMessage("*1 of 2 did not: 'latency 30ms' no traffic crossed it on proxy-2.");
        TrafficSummary.Paragraph(report).Should().Contain("Disruptions: 'latency 20ms' (").And.Contain("; 'latency 30ms' on proxy-2: no traffic crossed it.");
        report.ToJson().Should().Contain("\"Name\":\"latency 30ms\",\"Start\":").And.Contain("\"TouchedTraffic\":false").And.Contain("\"Contact\":{\"Source\":\"proxy-2\",\"Connections\":0,\"Packets\":0,\"Bytes\":0}");
    }

    [Fact(Timeout = 30_000)]
    public async Task AKillSaysWhereItCutAndASlidingWindowCatchesWhatTheRunHides()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: 10 connections of 10 packets a second to backend-1
        await using var server = CtrafficServer.InProcess(s => s.HostName = "backend-1");
        await using var traffic = CtrafficFixture.Start(o => { o.Server = server; o.Connections = 10; o.RateKBps = 100; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);
        traffic.Mark("steady");

        // When: the server is killed, stays away for 1.5 s (the disruption itself), and comes back
        await server.KillAsync(ct);
        await Task.Delay(TimeSpan.FromSeconds(1.5), ct);
        await server.StartAsync(ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), ct);
        var report = await traffic.StopAsync(ct);

        // Then: the kill's effect names its host, its losses and its recovery
        var kill = report.Disruptions.Should().ContainSingle().Subject;
        kill.Name.Should().Be("kill backend-1");
        kill.LostConnections.Should().Be(10);
        kill.InterruptedConnections.Should().Be(10);
        kill.Hosts.Should().ContainSingle().Which.Should().Match<Ctraffic.Reports.DisruptionHost>(h => h.Host == "backend-1" && h.LostConnections == 10);
        kill.LongestOutage.Should().BeGreaterThan(TimeSpan.FromSeconds(1.4));
        kill.TimeToRecover.Should().NotBeNull().And.BeLessThan(TimeSpan.FromSeconds(1));
        report.Should().HaveHitTraffic("kill backend-1");

        // and no second of the 1.5 s without a server is answered, which a 1 s window finds
        report.SlidingAvailability(TimeSpan.FromSeconds(1)).Min(w => w.Availability.Percent).Should().Be(0);
        var sliding = () => report.Should().HaveNoWindowBelow(TimeSpan.FromSeconds(1), 99);
        sliding.Should().Throw<Exception>().WithMessage(
            "Expected no 1.0 s window below 99 % availability, but * windows were, from * s into the run to * s into the run; " +
            "the worst 0 % (* of * due packets unanswered in time) from * s into the run to * s into the run: nothing got through for 1.* s from * s into the run, " +
            "connections in outages on backend-1 (10)*");
        report.Between("steady", "kill backend-1").Should().HaveAvailabilityAtLeast(99).And.HaveNoWindowBelow(TimeSpan.FromSeconds(1), 90);
    }
}
