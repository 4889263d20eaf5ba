using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Ctraffic.Client;
using Ctraffic.Server;
using Ctraffic.Telemetry;
using FluentAssertions;

namespace Ctraffic.Tests.Telemetry;

/// <summary>
/// <see cref="TrafficOptions.MeterFactory"/>: the run's meter comes from the factory (a DI
/// container's), which owns it; the run does not dispose it, and its observable instruments
/// report nothing once it ended.
/// </summary>
public class MeterFactoryTests
{
    [Fact]
    public async Task ARunTakesItsMeterFromTheFactoryAndLeavesItToTheFactory()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: a server on loopback, a meter factory, and a listener on the factory's meters
        await using var server = EchoServer.Start(new EchoServerOptions { Address = "127.0.0.1:0" });
        using var factory = new RecordingMeterFactory();
        var sent = 0L;
        var observed = new ConcurrentBag<string>();
        var completed = new ConcurrentBag<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (factory.Meters.Contains(instrument.Meter))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
            MeasurementsCompleted = (instrument, _) => completed.Add(instrument.Name),
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == CtrafficTelemetry.PacketsSent)
            {
                Interlocked.Add(ref sent, value);
            }
        });
        listener.SetMeasurementEventCallback<int>((instrument, _, _, _) => observed.Add(instrument.Name));
        listener.Start();

        // When: a short run with the factory ends
        var run = TrafficRun.Start(new TrafficOptions
        {
            Address = server.ConnectAddress,
            Connections = 2,
            RateKBps = 20,
            Duration = TimeSpan.FromSeconds(1),
            MeterFactory = factory,
        }, ct);
        listener.RecordObservableInstruments();
        var stats = await run.Completion.WaitAsync(TimeSpan.FromSeconds(30), ct);
        await run.DisposeAsync();

        // Then: its meter was the factory's, and counted what the statistics count
        factory.Meters.Should().ContainSingle().Which.Name.Should().Be(CtrafficTelemetry.MeterName);
        Interlocked.Read(ref sent).Should().Be(stats.Sent).And.BePositive();
        observed.Should().Contain(CtrafficTelemetry.ConnectionsActive);

        // ... the run left the meter to the factory, and its observable instruments are silent now
        completed.Should().BeEmpty("the factory, not the run, disposes the meter");
        observed.Clear();
        listener.RecordObservableInstruments();
        observed.Should().BeEmpty();

        // ... until the factory is disposed
        factory.Dispose();
        completed.Should().Contain(CtrafficTelemetry.PacketsSent);
    }

    /// <summary>A meter factory as a DI container's: it creates the meters and disposes them with itself.</summary>
    private sealed class RecordingMeterFactory : IMeterFactory
    {
        public ConcurrentBag<Meter> Meters { get; } = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            Meters.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (var meter in Meters)
            {
                meter.Dispose();
            }
        }
    }
}
