using Ctraffic.Client.Recording;
using Ctraffic.Internal;
using Ctraffic.Reports;
using Ctraffic.Statistics;
using Ctraffic.Testing;
using FluentAssertions;
using static Ctraffic.Tests.Reports.MadeUpRun;

namespace Ctraffic.Tests.Verdicts;

/// <summary>The service-level assertions of Ctraffic.Testing and their messages, on made-up runs: deterministic, no sockets, no clock.</summary>
public class ServiceLevelAssertionTests
{
    /// <summary>
    /// Ten connections on backend-1 for 172 s, nothing answered from 100 s to 110 s (k6 issue 2379's
    /// 5.8 %); the test marked the outage as a disruption "blackhole" from 100 s to 110 s, and a
    /// "latency 200ms" from 20 s to 30 s on a proxy nothing crossed.
    /// </summary>
    private static TrafficReport TenSecondOutage()
    {
        var recorder = new TrafficRecorder(10, 100, new RunClock(0, Hz), Interval, T(0.1));
        var conns = new ConnectionState[10];
        for (var lane = 0; lane < 10; lane++)
        {
            conns[lane] = recorder.Open(lane, 0)!;
            recorder.Connected(conns[lane], 0, "127.0.0.1:40000", "127.0.0.1:5003");
            recorder.Served(conns[lane], "backend-1");
            Echoes(recorder, conns[lane], 0.01 * lane, 20);
        }

        var latency = recorder.Disruption("latency 200ms", T(20), () => new DisruptionContact("proxy-1", 0, 0, 0));
        for (var lane = 0; lane < 10; lane++)
        {
            Echoes(recorder, conns[lane], 20 + (0.01 * lane), 100);
        }

        recorder.EndMark(latency, T(30));
        var blackhole = recorder.Disruption("blackhole", T(100), contact: null);
        recorder.EndMark(blackhole, T(110));
        for (var lane = 0; lane < 10; lane++)
        {
            Echoes(recorder, conns[lane], 110 + (0.01 * lane), 172);
        }

        return recorder.Report(recorder.Statistics(T(172), new TrafficStatistics { Connections = 10, PacketSize = 1024 }), S(172), live: false, rtt: null);
    }

    [Fact]
    public void ATenSecondOutagePassesA94PercentCheckOnTheWholeRunButNotOneOnEverySecond()
    {
        var report = TenSecondOutage();

        // The whole run: 94.2 %, so the whole-run threshold k6 users set (errors under 6 %) passes
        report.Should().HaveAvailabilityAtLeast(94);

        // but every 1 s window at 99 % does not, and the message says when, how bad and where
        var sliding = () => report.Should().HaveNoWindowBelow(S(1), 99, "the service must never be out for a second");
        sliding.Should().Throw<Exception>().WithMessage(
            "Expected no 1.0 s window below 99 % availability because the service must never be out for a second, " +
            "but 109 of 1711 windows were, from 99.2 s into the run to 111.0 s into the run; " +
            "the worst 0 % (100 of 100 due packets unanswered in time) from 10?.? s into the run to 10?.? s into the run: " +
            "nothing got through for 9.91 s from 100.091 s into the run, connections in outages on backend-1 (10).");
        var whole = () => report.Should().HaveAvailabilityAtLeast(95);
        whole.Should().Throw<Exception>().WithMessage(
            "Expected availability of at least 95 %, but it was 94.24 % (990 of 17195 due packets unanswered in time): " +
            "nothing got through for 9.91 s from 100.091 s into the run, connections in outages on backend-1 (10).");
    }

    [Fact]
    public void AWindowsFailureCountsTimesFromItsMark()
    {
        var report = TenSecondOutage();

        var window = () => report.Window("blackhole").Should().HaveNoWindowBelow(S(2), 50);

        window.Should().Throw<Exception>().WithMessage(
            "Expected no 2.0 s window below 50 % availability, but 91 of 701 windows were, from 0.0 s after 'blackhole' began to 11.0 s after 'blackhole' began; " +
            "the worst 0 % (200 of 200 due packets unanswered in time) from * after 'blackhole' began to * after 'blackhole' began: " +
            "nothing got through for 9.91 s from 0.091 s after 'blackhole' began, connections in outages on backend-1 (10) (in window 'blackhole', 100.0 s–172.0 s into the run).");
        report.Before("blackhole").Should().HaveNoWindowBelow(S(1), 99.9).And.HaveAvailabilityAtLeast(100);
    }

    [Fact]
    public void TheErrorBudgetIsSpentByTheOutage()
    {
        var report = TenSecondOutage();

        report.Before("blackhole").Should().HaveUsedErrorBudgetAtMost(99.9, 0);
        var spent = () => report.Should().HaveUsedErrorBudgetAtMost(99, 100);
        spent.Should().Throw<Exception>().WithMessage(
            "Expected at most 100 % of the error budget of a 99 % target used, but 575.735 % was: 990 of 17195 due packets unanswered in time, 172 allowed: nothing got through*");
        var invalid = () => report.Should().HaveUsedErrorBudgetAtMost(100, 50);
        invalid.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void AFaultNoTrafficCrossedFailsTheHitCheckAndSaysWhere()
    {
        var report = TenSecondOutage();

        report.Should().HaveHitTraffic("blackhole");
        report.Window("blackhole").Should().HaveHitTraffic();
        var latency = () => report.Window("latency 200ms").Should().HaveHitTraffic();
        latency.Should().Throw<Exception>().WithMessage(
            "Expected 'latency 200ms' to touch traffic, but no traffic crossed it on proxy-1 (in window 'latency 200ms', 20.0 s–100.0 s into the run).");
        var every = () => report.Should().HaveEveryDisruptionHitTraffic();
        every.Should().Throw<Exception>().WithMessage("Expected every disruption to touch traffic, but 1 of 2 did not: 'latency 200ms' no traffic crossed it on proxy-1.");
        var unknown = () => report.Should().HaveHitTraffic("kill");
        unknown.Should().Throw<ArgumentException>().WithMessage("no mark named 'kill'*");
        var whole = () => report.Should().HaveHitTraffic();
        whole.Should().Throw<ArgumentException>().WithMessage("name the disruption*");
    }
}
