using Ctraffic.Client.Recording;
using Ctraffic.Internal;
using Ctraffic.Reports;
using Ctraffic.Statistics;
using FluentAssertions;

namespace Ctraffic.Tests.Client.Recording;

/// <summary>Windows with made-up times: packets counted by send time, marks that split slices, in-flight packets, repeated names, hosts and end kinds.</summary>
public class ExactWindowTests
{
    private const long Hz = 1_000_000_000;
    private static readonly long Interval = T(0.1);

    private static long T(double seconds) => (long)Math.Round(seconds * Hz);

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    private static TrafficRecorder Recorder(int lanes = 1, bool hostRtt = false)
        => new(lanes, 100, new RunClock(0, Hz), Interval, 0, hostRtt);

    private static ConnectionState Connect(TrafficRecorder recorder, int lane, double at)
    {
        var conn = recorder.Open(lane, T(at))!;
        recorder.Connected(conn, T(at), "127.0.0.1:40000", "127.0.0.1:5003");
        return conn;
    }

    private static TrafficReport Report(TrafficRecorder recorder, double end, bool live = false)
        => recorder.Report(recorder.Statistics(T(end), new TrafficStatistics { Connections = 1, PacketSize = 1024 }), S(end), live, rtt: null);

    [Fact]
    public void AnEchoThatComesAfterAMarkCountsBeforeItWithItsPacket()
    {
        // Given a packet sent 30 ms before a mark, echoed 20 ms after it (50 ms of latency), in the same 100 ms slice
        var recorder = Recorder();
        var conn = Connect(recorder, 0, 0);
        recorder.Sent(conn, T(1.02));
        recorder.Mark("reload", T(1.05));
        recorder.Echoed(conn, T(1.02), T(1.07));
        recorder.Sent(conn, T(1.08));
        recorder.Echoed(conn, T(1.08), T(1.13));

        var report = Report(recorder, 2);

        // Then each window has its own packet and that packet's echo: nothing lost, nothing negative
        report.Before("reload").Should().Match<TrafficReport>(w => w.Sent == 1 && w.Received == 1 && w.PacketsLost == 0);
        report.After("reload").Should().Match<TrafficReport>(w => w.Sent == 1 && w.Received == 1 && w.PacketsLost == 0);
    }

    [Fact]
    public void APacketInFlightIsInFlightInALiveReportAndUnansweredAfterAStop()
    {
        var recorder = Recorder();
        var conn = Connect(recorder, 0, 0);
        recorder.Sent(conn, T(0.5));

        var live = Report(recorder, 0.52, live: true);
        live.Sent.Should().Be(1);
        live.Received.Should().Be(0);
        live.InFlight.Should().Be(1);
        live.PacketsLost.Should().Be(0, "its echo has not had its time");

        recorder.Ended(conn, null, ConnectionEndKind.Stopped, T(0.6));
        var final = Report(recorder, 0.6);
        final.InFlight.Should().Be(1, "it was unanswered when the run stopped");
        final.PacketsLost.Should().Be(0);
    }

    [Fact]
    public void APacketInFlightOnALostConnectionIsLostInTheWindowItWasSentIn()
    {
        var recorder = Recorder();
        var conn = Connect(recorder, 0, 0);
        recorder.Sent(conn, T(0.95));
        recorder.Mark("kill", T(1));
        recorder.Ended(conn, "EOF", ConnectionEndKind.PeerClosed, T(1.2));

        var report = Report(recorder, 2);

        report.Before("kill").LostInFlight.Should().Be(1);
        report.Before("kill").LostConnections.Should().BeEmpty("the connection ended after the mark");
        report.Window("kill").LostInFlight.Should().Be(0);
        report.Window("kill").LostConnections.Should().ContainSingle().Which.EndKind.Should().Be(ConnectionEndKind.PeerClosed);
        report.Window("kill").LostConnectionsByKind.Select(k => (k.Key, k.Value)).Should().Equal((ConnectionEndKind.PeerClosed, 1));
    }

    [Fact]
    public void WindowsOfRandomMarksAddUpToTheRunAndNeverGoNegative()
    {
        var random = new Random(17);
        for (var round = 0; round < 50; round++)
        {
            // Given 4 lanes sending every 100 ms for 5 s with random latency (up to 3 intervals, so
            // several packets are in flight at a mark), some lost, and marks at random times
            var recorder = Recorder(lanes: 4);
            var conns = Enumerable.Range(0, 4).Select(l => Connect(recorder, l, 0)).ToArray();
            var marks = Enumerable.Range(0, 5).Select(_ => random.Next(1, 4999) / 1000.0).Distinct().Order().ToArray();
            var events = new List<(long At, Action Do)>();
            for (var m = 0; m < marks.Length; m++)
            {
                var name = $"m{m}";
                var at = T(marks[m]);
                events.Add((at, () => recorder.Mark(name, at)));
            }

            foreach (var conn in conns)
            {
                for (var t = T(0.01 + random.NextDouble() * 0.05); t < T(5); t += Interval)
                {
                    var sent = t;
                    var reply = sent + T(random.NextDouble() * 0.08);
                    var lost = random.Next(20) == 0;
                    events.Add((sent, () => recorder.Sent(conn, sent)));
                    events.Add((reply, lost ? () => recorder.Lost(conn, reply) : () => recorder.Echoed(conn, sent, reply)));
                }
            }

            // (in time order, a packet's reply before the lane's next packet)
            foreach (var (_, action) in events.OrderBy(e => e.At))
            {
                action();
            }

            var report = Report(recorder, 5.2);
            var names = marks.Select((_, m) => $"m{m}").ToArray();
            var parts = new List<TrafficReport> { report.Before(names[0]) };
            parts.AddRange(names.Zip(names.Skip(1), report.Between));
            parts.Add(report.After(names[^1]));

            foreach (var w in parts)
            {
                w.Received.Should().BeInRange(0, w.Sent);
                (w.Received + w.PacketsLost + w.InFlight).Should().Be(w.Sent);
            }

            parts.Sum(w => w.Sent).Should().Be(report.Sent);
            parts.Sum(w => w.Received).Should().Be(report.Received);
            parts.Sum(w => w.Lost).Should().Be(report.Lost);
        }
    }

    [Fact]
    public void ARepeatedMarkNameIsRefusedWithItsOccurrencesAndCanBeNumbered()
    {
        var recorder = Recorder();
        var conn = Connect(recorder, 0, 0);
        recorder.Sent(conn, T(0.5));
        recorder.Echoed(conn, T(0.5), T(0.501));
        recorder.Mark("kill backend-2", T(1));
        recorder.Mark("restart", T(1.5));
        recorder.Mark("kill backend-2", T(2));
        var report = Report(recorder, 3);

        var window = () => report.Window("kill backend-2");
        window.Should().Throw<ArgumentException>().WithMessage(
            "the mark 'kill backend-2' was made 2 times ('kill backend-2#1' at 1.0 s, 'kill backend-2#2' at 2.0 s): name one occurrence, e.g. 'kill backend-2#2' for the last*");
        report.Window("kill backend-2#2").Period.Should().Be(new TimeWindow(S(2), S(3)));
        report.Window("kill backend-2#1").Period.Should().Be(new TimeWindow(S(1), S(1.5)));
        report.Invoking(r => r.Window("kill backend-2#3")).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void AMissingMarkSaysHowMarksAreMade()
    {
        var report = Report(Recorder(), 1);

        report.Invoking(r => r.Window("reload")).Should().Throw<ArgumentException>()
            .WithMessage("no mark named 'reload': the run has no marks (marks are made by traffic.Mark(name) and traffic.Disruption(name), and by the servers*RecordOn(traffic))*");
    }

    [Fact]
    public void HostsAccountForEveryConnectionWithTheirRoundTripsOutagesAndEnds()
    {
        // Given a connection served by backend-1 (RTTs of 2 ms), one by backend-2 (RTTs of 30 ms),
        // and one cut before its first reply
        var recorder = Recorder(lanes: 3, hostRtt: true);
        var one = Connect(recorder, 0, 0);
        var two = Connect(recorder, 1, 0);
        var none = Connect(recorder, 2, 0);
        recorder.Served(one, "backend-1");
        recorder.Served(two, "backend-2");
        for (var t = 0.1; t < 2; t += 0.1)
        {
            recorder.Sent(one, T(t));
            recorder.Echoed(one, T(t), T(t + 0.002));
            if (t < 1)
            {
                recorder.Sent(two, T(t));
                recorder.Echoed(two, T(t), T(t + 0.03));
            }
        }

        recorder.Ended(two, "read tcp a->b: read: connection reset by peer", ConnectionEndKind.Reset, T(1.2));
        recorder.Sent(none, T(0.3));
        recorder.Ended(none, "EOF", ConnectionEndKind.PeerClosed, T(0.4));

        var report = Report(recorder, 2);

        // Then every connection is under a host, (no reply) for the one that never got one
        report.Hosts.Select(h => h.Host).Should().Equal("backend-1", "backend-2", HostStatistics.NoReply);
        report.Hosts.Sum(h => h.Lost).Should().Be(report.LostConnections.Count);
        var b1 = report.Hosts[0];
        var b2 = report.Hosts[1];
        b1.Rtt!.P50.Should().BeCloseTo(TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(0.2));
        b2.Rtt!.P50.Should().BeCloseTo(TimeSpan.FromMilliseconds(30), TimeSpan.FromMilliseconds(1));
        b2.LostByKind.Select(k => (k.Key, k.Value)).Should().Equal((ConnectionEndKind.Reset, 1));
        b2.Outages.Should().ContainSingle("it got no echo from its last one to the end");
        report.Hosts[2].LostByKind.Select(k => (k.Key, k.Value)).Should().Equal((ConnectionEndKind.PeerClosed, 1));
        report.Hosts[2].Rtt.Should().BeNull();
        HostChanges.Of(report).LostOn(HostStatistics.NoReply).Should().Be(1);
    }

    [Theory]
    [InlineData("EOF", ConnectionEndKind.PeerClosed)]
    [InlineData("read tcp 127.0.0.1:1->127.0.0.1:2: read: connection reset by peer", ConnectionEndKind.Reset)]
    [InlineData("write tcp 127.0.0.1:1->127.0.0.1:2: write: broken pipe", ConnectionEndKind.Reset)]
    [InlineData("read tcp 127.0.0.1:1->127.0.0.1:2: i/o timeout", ConnectionEndKind.ReadTimeout)]
    [InlineData("dial tcp 127.0.0.1:2: connect: connection refused", ConnectionEndKind.ConnectRefused)]
    [InlineData("dial tcp 198.18.0.2:5003: i/o timeout", ConnectionEndKind.ConnectTimeout)]
    [InlineData("dial tcp 198.18.0.2:5003: connect: no route to host", ConnectionEndKind.Unreachable)]
    [InlineData("something else", ConnectionEndKind.Other)]
    public void AnErrorTextHasTheKindItsWordsSay(string error, ConnectionEndKind kind)
        => ConnectionEnds.Classify(error).Should().Be(kind);

    [Fact]
    public void TheEndKindIsReadBackFromTheJsonAndTakenFromErrWhenAbsent()
    {
        var stats = new TrafficStatistics
        {
            ConnStats =
            [
                new ConnectionStats { Connected = S(0), Ended = S(1), Error = "EOF", EndKind = ConnectionEndKind.PeerClosed },
                new ConnectionStats { Connected = S(0), Ended = S(1), Error = "some proxy's words", EndKind = ConnectionEndKind.Reset },
                new ConnectionStats { Connected = S(0.001), Ended = S(10) },
            ],
        };

        var back = StatisticsJson.Read(StatisticsJson.Write(stats, StatisticsDetail.All));

        back.ConnStats.Select(c => c.EndKind).Should().Equal(ConnectionEndKind.PeerClosed, ConnectionEndKind.Reset, ConnectionEndKind.Completed);
        var original = StatisticsJson.Read(StatisticsJson.Write(stats, StatisticsDetail.All).Replace(",\"EndKind\":\"Reset\"", "", StringComparison.Ordinal));
        original.ConnStats[1].EndKind.Should().Be(ConnectionEndKind.Other, "a file without the field, as the original writes, is classified by its Err");
    }
}
