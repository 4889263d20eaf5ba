using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Ctraffic.Client;
using Ctraffic.Reports;
using Ctraffic.Server;
using Ctraffic.Telemetry;
using FluentAssertions;

namespace Ctraffic.Tests.Telemetry;

/// <summary>
/// A run's meter and its disruptions' activities, read as OpenTelemetry would, with a
/// <see cref="MeterListener"/> and an <see cref="ActivityListener"/>, over real traffic on loopback.
/// Each listener keeps only its own run's measurements (the meter's <c>server.port</c>), so other
/// tests running at the same time do not count.
/// </summary>
public class TelemetryTests
{
    [Fact]
    public async Task TheMeterCountsWhatTheStatisticsCountAndADisruptionIsAnActivity()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: a server on loopback, a meter listener and an activity listener for its port
        var server = EchoServer.Start(new EchoServerOptions { Address = "127.0.0.1:0", HostName = "backend-1" });
        var port = server.LocalEndPoint.Port;
        var sums = new ConcurrentDictionary<string, long>();
        var lostByKind = new ConcurrentDictionary<string, long>();
        var gauges = new ConcurrentDictionary<string, long>();
        var roundTrips = new ConcurrentBag<double>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == CtrafficTelemetry.MeterName && instrument.Meter.Tags?.Any(t => t.Key == "server.port" && Equals(t.Value, port)) == true)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            sums.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
            foreach (var tag in tags)
            {
                if (tag.Key == "ctraffic.connection.end_kind")
                {
                    lostByKind.AddOrUpdate((string)tag.Value!, value, (_, sum) => sum + value);
                }
            }
        });
        meters.SetMeasurementEventCallback<int>((instrument, value, _, _) => gauges[instrument.Name] = value);
        meters.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (instrument.Name == CtrafficTelemetry.RoundTripDuration)
            {
                roundTrips.Add(value);
            }
        });
        meters.Start();
        var activities = new ConcurrentBag<Activity>();
        using var spans = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CtrafficTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (Equals(activity.GetTagItem("server.port"), port))
                {
                    activities.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(spans);

        // When: 5 connections echo, the server is killed inside a disruption, and comes back on the same port
        await using var run = TrafficRun.Start(new TrafficOptions
        {
            Address = server.ConnectAddress,
            Connections = 5,
            RateKBps = 100,
            Duration = TimeSpan.FromSeconds(30),
        }, ct);
        (await Eventually.TrueAsync(() => run.Snapshot().Echoing == 5, TimeSpan.FromSeconds(10))).Should().BeTrue();
        EchoServer second;
        using (run.Disruption("kill backend-1", () => new DisruptionContact("test", 5, 0, 0)))
        {
            await server.DisposeAsync();
            (await Eventually.TrueAsync(() => run.Snapshot().FailedConnections == 5, TimeSpan.FromSeconds(5))).Should().BeTrue();
            (await Eventually.TrueAsync(() => { meters.RecordObservableInstruments(); return gauges.GetValueOrDefault(CtrafficTelemetry.ConnectionsInOutage) == 5; }, TimeSpan.FromSeconds(5)))
                .Should().BeTrue("every connection is silent while the server is away");
            second = EchoServer.Start(new EchoServerOptions { Address = $"127.0.0.1:{port}", HostName = "backend-2" });
        }

        await using var restarted = second;
        (await Eventually.TrueAsync(() => run.Snapshot().Echoing == 5, TimeSpan.FromSeconds(10))).Should().BeTrue();
        meters.RecordObservableInstruments();
        gauges.GetValueOrDefault(CtrafficTelemetry.ConnectionsActive).Should().Be(5);
        var stats = await run.StopAsync();

        // Then: the counters are the statistics, the histogram has a round trip per echo, in seconds
        sums.GetValueOrDefault(CtrafficTelemetry.PacketsSent).Should().Be(stats.Sent);
        sums.GetValueOrDefault(CtrafficTelemetry.PacketsAnswered).Should().Be(stats.Received);
        sums.GetValueOrDefault(CtrafficTelemetry.PacketsDropped).Should().Be(stats.Dropped);
        sums.GetValueOrDefault(CtrafficTelemetry.ConnectionsLost).Should().Be(5);
        lostByKind.Keys.Should().BeSubsetOf(["reset", "peer_closed"]);
        roundTrips.Should().HaveCount((int)stats.Received).And.OnlyContain(s => s > 0 && s < 1);

        // and the disruption is one activity, named by it, with what its source counted
        var disruption = activities.Should().ContainSingle().Subject;
        disruption.OperationName.Should().Be(CtrafficTelemetry.DisruptionActivity);
        disruption.DisplayName.Should().Be("kill backend-1");
        disruption.Kind.Should().Be(ActivityKind.Internal);
        disruption.GetTagItem("ctraffic.disruption.name").Should().Be("kill backend-1");
        disruption.GetTagItem("ctraffic.disruption.connections").Should().Be(5L);
        var mark = run.GetReport().Marks.Should().ContainSingle().Subject;
        disruption.StartTimeUtc.Should().BeCloseTo((run.Started + mark.Time).UtcDateTime, TimeSpan.FromMilliseconds(50), "its times are the run's clock");
        disruption.Duration.Should().BeCloseTo(mark.End!.Value - mark.Time, TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task ADisruptionActivityIsAChildOfTheCallersButDoesNotBecomeTheCurrentOne()
    {
        var started = new ConcurrentBag<Activity>();
        using var spans = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CtrafficTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = started.Add,
        };
        ActivitySource.AddActivityListener(spans);
        await using var server = EchoServer.Start(new EchoServerOptions { Address = "127.0.0.1:0" });
        await using var run = TrafficRun.Start(new TrafficOptions { Address = server.ConnectAddress, Duration = TimeSpan.FromSeconds(30) }, TestContext.Current.CancellationToken);
        using var test = new Activity("test").Start();

        using (run.Disruption("pause"))
        {
            Activity.Current.Should().BeSameAs(test, "a disruption may end in another flow than it began in, and others overlap it");
        }

        Activity.Current.Should().BeSameAs(test);
        started.Where(a => a.DisplayName == "pause" && a.ParentId == test.Id).Should().ContainSingle();
    }
}
