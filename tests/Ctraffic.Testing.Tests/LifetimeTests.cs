using System.Net;
using System.Net.Sockets;
using FluentAssertions;

namespace Ctraffic.Testing.Tests;

public class LifetimeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StopAfterDisposeGivesTheFinalReport()
    {
        var traffic = CtrafficFixture.Start(o => o.Connections = 2);
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        await traffic.DisposeAsync();

        var report = await traffic.StopAsync(Ct);

        report.Received.Should().BePositive();
        (await traffic.StopAsync(Ct)).Should().BeSameAs(report);
        traffic.GetReport().Should().BeSameAs(report);
    }

    [Fact]
    public async Task DisposingWhileWaitingForSteadyStateEndsTheWaitAsDisposed()
    {
        using var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var traffic = CtrafficFixture.Start(o => o.Address = HostPort.Format(closed.LocalEndPoint));
        var wait = traffic.WaitForSteadyStateAsync(TimeSpan.FromSeconds(30), Ct);

        await traffic.DisposeAsync();

        var waited = async () => await wait.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        await waited.Should().ThrowAsync<ObjectDisposedException>();
    }

    [Fact]
    public async Task StartAsyncWaitsUntilSteadyAndDisposesTrafficThatIsNot()
    {
        await using (var steady = await CtrafficFixture.StartAsync(o => o.Connections = 3, Ct))
        {
            steady.Snapshot().Echoing.Should().Be(3);
        }

        using var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var start = async () => await CtrafficFixture.StartAsync(o => { o.Address = HostPort.Format(closed.LocalEndPoint); o.SteadyStateTimeout = TimeSpan.FromMilliseconds(500); }, Ct);

        (await start.Should().ThrowAsync<TrafficTimeoutException>()).WithMessage("traffic not steady within 0.5 s*");
    }

    [Fact]
    public async Task LiveReportsReadFromSeveralThreadsAreEachConsistent()
    {
        // Given: fast traffic (200 packets a second per connection)
        await using var traffic = CtrafficFixture.Start(o => { o.Connections = 4; o.RateKBps = 800; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);

        // When: four threads read live reports while it runs
        var bad = 0;
        var reads = 0;
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 300; i++)
            {
                var report = traffic.GetReport();
                Interlocked.Increment(ref reads);
                if (report.Rtt.Count > report.Received || report.Received > report.Sent)
                {
                    Interlocked.Increment(ref bad);
                }
            }
        }, Ct));
        await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(60), Ct);

        // Then: no report counts a round trip it has not counted as received
        reads.Should().Be(1200);
        bad.Should().Be(0);
    }
}
