using System.Diagnostics;
using FluentAssertions;

namespace Ctraffic.Testing.Tests.Faults;

[Collection(SerialFaultTests.Name)]
public class ToggleSoakTests
{
    private static readonly TimeSpan Soak = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(50);

    [Fact(Timeout = 90_000)]
    public async Task SwitchingFaultsEvery50MillisecondsUnder1000ConnectionsLosesNoByteAndLeaksNoSocket()
    {
        var ct = TestContext.Current.CancellationToken;
        var sockets = OpenSockets();

        // Given: 1000 connections of one packet a second through a proxy.
        var server = CtrafficServer.InProcess();
        var proxy = FaultProxy.Start(server);
        var traffic = CtrafficFixture.Start(o => { o.Server = proxy; o.Connections = 1000; o.RateKBps = 1000; o.SteadyStateTimeout = TimeSpan.FromSeconds(30); });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);
        traffic.Mark("steady");

        // When: for 8 s, every 50 ms one fault that loses nothing is switched on or off, in turn,
        // while the chunks of every connection run past them.
        Fault[] faults =
        [
            Fault.Latency(TimeSpan.FromMilliseconds(30), TimeSpan.FromMilliseconds(20), FaultDirection.Both),
            Fault.Slicer(100),
            Fault.Bandwidth(50, FaultDirection.Both),
            Fault.Latency(TimeSpan.FromMilliseconds(5)).OnConnections(0.5),
            Fault.Slicer(1000, TimeSpan.FromMilliseconds(1)).OnPackets(0.3),
        ];
        var on = new ActiveFault?[faults.Length];
        var switches = 0;
        var slowest = TimeSpan.Zero;
        var soak = Stopwatch.StartNew();
        for (var i = 0; soak.Elapsed < Soak; i = (i + 1) % faults.Length)
        {
            var switching = Stopwatch.StartNew();
            if (on[i] is { } active)
            {
                active.Dispose();
                on[i] = null;
            }
            else
            {
                on[i] = proxy.Add(faults[i]);
            }

            slowest = TimeSpan.FromTicks(Math.Max(slowest.Ticks, switching.Elapsed.Ticks));
            switches++;
            await Task.Delay(Every, ct); // the pace of the switching itself
        }

        proxy.Clear();
        var report = await traffic.StopAsync(ct);
        await traffic.DisposeAsync();
        (await Eventually.TrueAsync(() => proxy.GetStatistics().Connections == 0, TimeSpan.FromSeconds(10))).Should().BeTrue();
        var stats = proxy.GetStatistics();
        await proxy.DisposeAsync();
        await server.DisposeAsync();

        // Then: no switch waited, and no connection was lost from the steady state on.
        switches.Should().BeGreaterThan(80);
        slowest.Should().BeLessThan(TimeSpan.FromMilliseconds(500), "a switch takes no lock a connection holds");
        report.After("steady").Should().HaveLostNoConnections();
        report.Received.Should().BeGreaterThan(5000);
        stats.Swallowed.Should().Be(0);

        // ... and every byte was carried end to end: what the clients wrote reached the server,
        // what the server wrote reached the clients (the client counts an echo it read; one per
        // connection may be under way at the stop). A connection the client gave up while 1000
        // started at once on a busy machine (its first echo later than the 1 s read time-out)
        // may take one packet each way with it, no more.
        var lost = report.FailedConnections;
        stats.UpstreamRead.Should().BeInRange((report.Sent - lost) * 1024, report.Sent * 1024);
        (stats.UpstreamRead - stats.UpstreamWritten).Should().BeInRange(0, lost * 1024);
        (stats.DownstreamRead - stats.DownstreamWritten).Should().BeInRange(0, lost * 1024);
        stats.DownstreamWritten.Should().BeInRange(report.Received * 1024, report.Sent * 1024);

        // ... and every socket is closed again.
        (await Eventually.TrueAsync(() => OpenSockets() <= sockets, TimeSpan.FromSeconds(10)))
            .Should().BeTrue($"{OpenSockets()} sockets are open, {sockets} were before");
    }

    /// <summary>The process's open sockets (descriptors of other kinds come and go as assemblies load).</summary>
    private static int OpenSockets() => Directory.GetFiles("/proc/self/fd")
        .Count(f => new FileInfo(f).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true);
}
