using Ctraffic.Client.Recording;
using Ctraffic.Internal;
using Ctraffic.Reports;
using Ctraffic.Statistics;
using FluentAssertions;
using static Ctraffic.Tests.Reports.MadeUpRun;

namespace Ctraffic.Tests.Reports;

/// <summary>What each disruption of a made-up run did: connections lost and interrupted by host, outages, recovery, what crossed it.</summary>
public class DisruptionEffectTests
{
    /// <summary>
    /// Two connections on backend-1 and backend-2; "kill backend-1" from 2 s to 2.5 s resets the
    /// first at 2.05 s with a packet in flight, which reconnects to backend-2 and echoes from 2.6 s;
    /// "latency 200ms" from 4 s to 5 s on a proxy nothing went through; a plain mark at 3 s; and
    /// "kill backend-1" again from 6 s to 6.2 s, which touches nothing.
    /// </summary>
    private static TrafficReport Run()
    {
        var recorder = new TrafficRecorder(2, 10, new RunClock(0, Hz), Interval, T(0.1));
        var first = Connect(recorder, 0, 0, "backend-1");
        var second = Connect(recorder, 1, 0, "backend-2");
        Echoes(recorder, first, 0.1, 2.05);
        Echoes(recorder, second, 0.15, 8);
        var kill = recorder.Disruption("kill backend-1", T(2), contact: null);
        recorder.Sent(first, T(2.04));
        recorder.Ended(first, "read: connection reset by peer", ConnectionEndKind.Reset, T(2.05));
        recorder.Failed(first, T(2.05));
        recorder.EndMark(kill, T(2.5));
        var again = Connect(recorder, 0, 2.55, "backend-2");
        Echoes(recorder, again, 2.6, 8);
        recorder.Mark("steady", T(3));
        var latency = recorder.Disruption("latency 200ms", T(4), () => new DisruptionContact("proxy backend-3", 0, 0, 0));
        recorder.EndMark(latency, T(5));
        recorder.EndMark(recorder.Disruption("kill backend-1", T(6), contact: null), T(6.2));
        return recorder.Report(recorder.Statistics(T(8), new TrafficStatistics { Connections = 2, PacketSize = 1024 }), S(8), live: false, rtt: null);
    }

    [Fact]
    public void ADisruptionSaysWhatItCutWhereAndHowLongTheTrafficTookToRecover()
    {
        var report = Run();

        var kill = report.Disruptions[0];

        kill.Name.Should().Be("kill backend-1#1", "the name was marked twice: the effect names the occurrence its window is taken by");
        kill.LostConnections.Should().Be(1);
        kill.InterruptedConnections.Should().Be(1);
        kill.PacketsLost.Should().Be(1, "the packet in flight when the connection was reset");
        kill.Hosts.Should().Equal(new DisruptionHost("backend-1", 1, 1, kill.LongestOutage));
        kill.LongestOutage.Should().BeCloseTo(S(2.601 - 2.101), S(0.001));
        kill.TimeToRecover.Should().BeCloseTo(S(0.101), S(0.001), "the last outage it caused ended 0.1 s after its end");
        kill.Contact.Should().BeNull();
        kill.TouchedTraffic.Should().BeTrue();
        kill.Availability.Percent.Should().BeLessThan(100);
        kill.ToString().Should().Be("'kill backend-1#1' (2.0 s–2.5 s): 1 connection lost (backend-1 1), 1 interrupted, 1 packet lost, longest outage 0.5 s, recovered 0.101 s after its end");
    }

    [Fact]
    public void AFaultNoTrafficCrossedIsCalledOutAndAPlainMarkIsNoDisruption()
    {
        var report = Run();

        report.Disruptions.Select(d => d.Name).Should().Equal("kill backend-1#1", "latency 200ms", "kill backend-1#2");
        var latency = report.Disruptions[1];
        latency.TouchedTraffic.Should().BeFalse();
        latency.Contact.Should().Be(new DisruptionContact("proxy backend-3", 0, 0, 0));
        latency.ToString().Should().Be("'latency 200ms' on proxy backend-3: no traffic crossed it");
        var second = report.Disruptions[2];
        second.TouchedTraffic.Should().BeFalse("nothing was lost or interrupted, and nothing counted what crossed it");
        second.TimeToRecover.Should().Be(TimeSpan.Zero);
        second.ToString().Should().Be("'kill backend-1#2' (6.0 s–6.2 s): touched no traffic (no connection lost or interrupted, no packet lost)");
        report.After("steady").Disruptions.Select(d => d.Name).Should().Equal("latency 200ms", "kill backend-1#2");
    }

    [Fact]
    public void TheJsonKeepsTheOriginalsFieldsAndAddsAvailabilityAndDisruptions()
    {
        var json = Run().ToJson();

        using var doc = System.Text.Json.JsonDocument.Parse(json);
        var root = doc.RootElement;
        root.EnumerateObject().Select(p => p.Name).Take(11).Should().Equal(
            "Started", "Duration", "Rate", "Connections", "PacketSize", "FailedConnections", "Sent", "Received", "Dropped", "Retransmits", "FailedConnects");
        root.GetProperty("Availability").GetProperty("Percent").GetDouble().Should().BeInRange(90, 100);
        var disruptions = root.GetProperty("Disruptions");
        disruptions.GetArrayLength().Should().Be(3);
        disruptions[0].GetProperty("Name").GetString().Should().Be("kill backend-1#1");
        disruptions[0].GetProperty("LostConnections").GetInt32().Should().Be(1);
        disruptions[0].GetProperty("Hosts")[0].GetProperty("Host").GetString().Should().Be("backend-1");
        disruptions[0].GetProperty("TimeToRecover").GetInt64().Should().BeInRange(100_000_000, 102_000_000);
        disruptions[1].GetProperty("TouchedTraffic").GetBoolean().Should().BeFalse();
        disruptions[1].GetProperty("Contact").GetProperty("Source").GetString().Should().Be("proxy backend-3");
        StatisticsJson.Read(json).ConnStats.Should().HaveCount(3, "a reader of the original's JSON still reads it");
    }
}
