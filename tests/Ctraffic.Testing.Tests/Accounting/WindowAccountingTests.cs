using Ctraffic.Client;
using Ctraffic.Reports;
using FluentAssertions;

namespace Ctraffic.Testing.Tests.Accounting;

/// <summary>
/// The accounting of windows over real traffic through a proxy with latency: marks at random
/// moments, and every window (live and final, TCP and UDP) has <c>0 ≤ Received ≤ Sent</c>, no
/// negative count, no loss that did not happen, and the windows between the marks add up to the run.
/// </summary>
[Collection(Faults.SerialFaultTests.Name)]
public class WindowAccountingTests
{
    public static TheoryData<int, TrafficProtocol> Runs => new()
    {
        { 0, TrafficProtocol.Tcp },
        { 20, TrafficProtocol.Tcp },
        { 50, TrafficProtocol.Tcp },
        { 0, TrafficProtocol.Udp },
        { 20, TrafficProtocol.Udp },
        { 50, TrafficProtocol.Udp },
    };

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Runs))]
    public async Task WindowsBetweenRandomMarksNeverLoseWhatWasNotLostAndAddUpToTheRun(int latencyMs, TrafficProtocol protocol)
    {
        var ct = TestContext.Current.CancellationToken;
        var random = new Random(latencyMs * 31 + (int)protocol);

        // Given: 10 connections of 10 packets a second through a proxy that delays every packet.
        await using var server = CtrafficServer.InProcess(s => s.Udp = protocol == TrafficProtocol.Udp);
        await using var proxy = FaultProxy.Start(server);
        using var latency = latencyMs > 0 ? proxy.Add(Fault.Latency(TimeSpan.FromMilliseconds(latencyMs))) : null;
        await using var traffic = CtrafficFixture.Start(o =>
        {
            o.Server = proxy;
            o.Protocol = protocol;
            o.ReadTimeout = TimeSpan.FromSeconds(2);
        });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // When: six marks at random moments (after 3 to 60 more packets each), with a live report
        // checked after each.
        var marks = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var sent = traffic.Snapshot().Sent + random.Next(3, 60);
            (await Eventually.TrueAsync(() => traffic.Snapshot().Sent >= sent, TimeSpan.FromSeconds(20))).Should().BeTrue();
            var name = $"m{i}";
            traffic.Mark(name);
            marks.Add(name);
            var live = traffic.GetReport();
            CheckWindow(live.Before(name), final: false);
            CheckWindow(live.After(name), final: false);
            CheckWindow(live, final: false);
        }

        var report = await traffic.StopAsync(ct);

        // Then: every window is consistent and loses nothing, and the partition adds up.
        var partition = new List<TrafficReport> { report.Before(marks[0]) };
        partition.AddRange(marks.Zip(marks.Skip(1), report.Between));
        partition.Add(report.After(marks[^1]));
        foreach (var window in partition.Concat(marks.Select(report.Window)).Append(report))
        {
            CheckWindow(window, final: true);
            window.Should().HaveLostNoPackets();
        }

        partition.Sum(w => w.Sent).Should().Be(report.Sent);
        partition.Sum(w => w.Received).Should().Be(report.Received);
        partition.Sum(w => w.InFlight).Should().Be(report.InFlight);
        report.Received.Should().BeGreaterThan(100);
    }

    private static void CheckWindow(TrafficReport window, bool final)
    {
        var counts = $"{window}";
        window.Sent.Should().BeGreaterThanOrEqualTo(0, counts);
        window.Received.Should().BeInRange(0, window.Sent, counts);
        window.InFlight.Should().BeGreaterThanOrEqualTo(0, counts);
        window.PacketsLost.Should().BeGreaterThanOrEqualTo(0, counts);
        window.Dropped.Should().BeGreaterThanOrEqualTo(0, counts);
        if (final)
        {
            // Every packet of a finished run was echoed, lost, or unanswered when the run stopped.
            (window.Received + window.PacketsLost + window.InFlight).Should().Be(window.Sent, counts);
        }
        else
        {
            (window.Received + window.PacketsLost).Should().BeLessThanOrEqualTo(window.Sent, counts);
        }
    }
}
