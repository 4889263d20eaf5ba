using Ctraffic.Client.Recording;
using Ctraffic.Internal;
using Ctraffic.Reports;
using Ctraffic.Statistics;
using FluentAssertions;
using static Ctraffic.Tests.Reports.MadeUpRun;

namespace Ctraffic.Tests.Reports;

/// <summary>Availability, sliding windows and error budgets of made-up runs (nanosecond timestamps from 0): no sockets, no clock.</summary>
public class AvailabilityTests
{
    private static TrafficRecorder Recorder(int lanes) => new(lanes, 100, new RunClock(0, Hz), Interval, T(0.1));

    private static ConnectionState Connect(TrafficRecorder recorder, int lane, double at)
    {
        var conn = recorder.Open(lane, T(at))!;
        recorder.Connected(conn, T(at), "127.0.0.1:40000", "127.0.0.1:5003");
        return conn;
    }

    /// <summary>A packet every interval from <paramref name="from"/> up to <paramref name="to"/> (excluded), each echoed 1 ms later unless <paramref name="answered"/> says not.</summary>
    private static void Packets(TrafficRecorder recorder, ConnectionState conn, double from, double to, Func<int, bool>? answered = null)
    {
        var n = 0;
        for (var t = T(from); t < T(to); t += Interval, n++)
        {
            recorder.Sent(conn, t);
            if (answered?.Invoke(n) ?? true)
            {
                recorder.Echoed(conn, t, t + T(0.001));
            }
            else
            {
                recorder.Lost(conn, t + T(0.05));
            }
        }
    }

    private static TrafficReport Report(TrafficRecorder recorder, double end, int connections)
        => recorder.Report(recorder.Statistics(T(end), new TrafficStatistics { Connections = connections, PacketSize = 1024 }), S(end), live: false, rtt: null);

    [Fact]
    public void TrafficAnsweredInTimeIsFullyAvailableAndEveryConnectionOwesOnePacketAnInterval()
    {
        // Given two connections echoing every 100 ms from 0.05 s to the end of a 10 s run
        var recorder = Recorder(2);
        Packets(recorder, Connect(recorder, 0, 0), 0.05, 10);
        Packets(recorder, Connect(recorder, 1, 0), 0.05, 10);

        // When the report is made
        var report = Report(recorder, 10, 2);

        // Then nothing is unanswered, and each connection was due a packet every 100 ms from its first echo
        report.Availability.Percent.Should().Be(100);
        report.Availability.Unanswered.Should().Be(0);
        report.Availability.Due.Should().BeApproximately(2 * (10 - 0.051) / 0.1, 1e-6);
        report.SlidingAvailability(S(1)).Should().OnlyContain(w => w.Availability.Percent == 100);
    }

    [Fact]
    public void ADueTimeInAnOutageIsUnansweredEvenThoughNoPacketWasSent()
    {
        // Given two connections; one sends nothing from 4 s to 6 s (it was reconnecting), then echoes again
        var recorder = Recorder(2);
        var down = Connect(recorder, 0, 0);
        Packets(recorder, down, 0.1, 4);
        Packets(recorder, down, 6, 10);
        Packets(recorder, Connect(recorder, 1, 0), 0.1, 10);

        // When the report is made
        var report = Report(recorder, 10, 2);

        // Then the outage (from the echo due after the last one to the next echo), less the outage
        // threshold in which the first missing echo was still in time, is unanswered, packet for packet
        var outage = report.Outages.Should().ContainSingle().Subject;
        report.Availability.Unanswered.Should().BeApproximately((outage.Duration.TotalSeconds - 0.1) / 0.1, 1e-6);
        report.Availability.Unanswered.Should().BeApproximately(19, 0.2, "2 s of one connection at 10 packets a second, less the 100 ms threshold");
        report.Availability.Percent.Should().BeApproximately(100 * (1 - (19 / 198.0)), 0.2);
        report.Sent.Should().Be(report.Received, "the packets the down connection owed were never sent: counting sent packets would hide the outage");
    }

    [Fact]
    public void LostDatagramsOutsideAnOutageAreUnansweredOnce()
    {
        // Given one UDP-like connection whose every 10th datagram gets no reply (too short a silence for an outage)
        var recorder = Recorder(1);
        Packets(recorder, Connect(recorder, 0, 0), 0.1, 10.1, answered: n => n % 10 != 9);

        // When the report is made
        var report = Report(recorder, 10.1, 1);

        // Then each lost datagram is one unanswered packet
        report.Outages.Should().BeEmpty();
        report.Lost.Should().Be(10);
        report.Availability.Unanswered.Should().Be(10);
        report.Availability.Percent.Should().BeApproximately(90, 0.2);
    }

    [Fact]
    public void ATenSecondOutageIs5Point8PercentOfTheRunButNoOneSecondWindowInItIsAboveZero()
    {
        // Given (k6 issue 2379's arithmetic): ten connections for 172 s, none answered from 100 s to 110 s
        var recorder = Recorder(10);
        for (var lane = 0; lane < 10; lane++)
        {
            var conn = Connect(recorder, lane, 0);
            Packets(recorder, conn, 0.01 * lane, 100);
            Packets(recorder, conn, 110, 172);
        }

        // When the report is made
        var report = Report(recorder, 172, 10);

        // Then the whole run is 94.2 % available: a check on the whole run at 94 % (errors under 6 %) passes it
        report.Availability.Percent.Should().BeInRange(94.1, 94.3);
        report.Availability.Percent.Should().BeGreaterThan(94);

        // but sliding 1 s windows find it: ten seconds' worth of windows at 0 %, none below 99 % elsewhere
        var windows = report.SlidingAvailability(S(1));
        windows.Min(w => w.Availability.Percent).Should().Be(0);
        var below = windows.Where(w => w.Availability.Percent < 99).ToList();
        below.First().Window.Start.Should().BeCloseTo(S(99.2), S(0.11), "the first missing echo is in time until the 100 ms threshold has passed");
        below.Last().Window.Start.Should().BeCloseTo(S(110), S(0.11));
        windows.Where(w => w.Window.End < S(99.9) || w.Window.Start > S(110.2)).Should().OnlyContain(w => w.Availability.Percent >= 99);
    }

    [Fact]
    public void SlidingWindowsStepByASliceAndLastAtLeastTheirLength()
    {
        var recorder = Recorder(1);
        Packets(recorder, Connect(recorder, 0, 0), 0.1, 5);
        recorder.Mark("m", T(1.234));
        var report = Report(recorder, 5, 1);

        var windows = report.After("m").SlidingAvailability(S(1));

        windows[0].Window.Start.Should().Be(S(1.234), "the first window starts with the window it slides over");
        windows.Should().OnlyContain(w => w.Window.Duration >= S(1) && w.Window.Duration < S(1.1));
        windows.Zip(windows.Skip(1)).Should().OnlyContain(p => p.Second.Window.Start > p.First.Window.Start && p.Second.Window.Start - p.First.Window.Start <= S(0.1));
        windows[^1].Window.End.Should().Be(S(5));
        report.Between(S(1), S(1.5)).SlidingAvailability(S(1)).Should().ContainSingle().Which.Window.Should().Be(new TimeWindow(S(1), S(1.5)));
        var tooLong = () => report.SlidingAvailability(TimeSpan.Zero);
        tooLong.Should().Throw<ArgumentOutOfRangeException>().WithMessage("length: a sliding window lasts more than 0*");
    }

    [Fact]
    public void TheErrorBudgetIsTheShareTheTargetAllowsToGoUnanswered()
    {
        var availability = new Availability(Due: 10_000, Unanswered: 5);

        availability.Percent.Should().BeApproximately(99.95, 1e-9);
        availability.ErrorBudgetUsed(99.9).Should().BeApproximately(50, 1e-9, "99.9 % of 10 000 allows 10 unanswered");
        availability.ErrorBudgetUsed(99.99).Should().BeApproximately(500, 1e-6);
        new Availability(0, 0).ErrorBudgetUsed(99.9).Should().Be(0);
        new Availability(0, 0).Percent.Should().Be(100);
        var invalid = () => availability.ErrorBudgetUsed(100);
        invalid.Should().Throw<ArgumentOutOfRangeException>().WithMessage("targetPercent: an availability target is more than 0 and less than 100 (percent), was 100.*");
        availability.ToString().Should().Be("99.95 % (5 of 10000 due packets unanswered in time)");
        new Availability(1000, 0.4).ToString().Should().StartWith("99.96 %", "a percentage is never rounded up");
        new Availability(1000, 0.001).ToString().Should().StartWith("99.99 %");
    }
}
