using System.Net;
using System.Net.Sockets;
using Ctraffic.Client;
using Ctraffic.Server;
using Ctraffic.Statistics;
using FluentAssertions;

namespace Ctraffic.Tests.Client;

public class TrafficRunTests
{
    private static EchoServer StartServer(string address = "127.0.0.1:0", string host = "backend-1")
        => EchoServer.Start(new EchoServerOptions { Address = address, HostName = host });

    private static TrafficOptions Options(string address, int connections, double rate, double seconds) => new()
    {
        Address = address,
        Connections = connections,
        RateKBps = rate,
        Duration = TimeSpan.FromSeconds(seconds),
    };

    [Fact]
    public async Task AnUndisturbedRunLosesNothing()
    {
        await using var server = StartServer();
        await using var run = TrafficRun.Start(Options(server.ConnectAddress, 20, 40, 3), TestContext.Current.CancellationToken);

        var stats = await run.Completion;

        stats.EndReason.Should().Be(TrafficEndReason.DurationElapsed);
        stats.FailedConnections.Should().Be(0);
        stats.FailedConnects.Should().Be(0);
        stats.Dropped.Should().Be(0);
        stats.Received.Should().Be(stats.Sent);
        stats.Sent.Should().BeInRange(114, 126, "20 connections × 2 packets/s × 3 s = 120");
        stats.ConnStats.Should().HaveCount(20).And.OnlyContain(c => c.Host == "backend-1" && c.Error == null && c.Ended == TimeSpan.FromSeconds(3));
        stats.Samples.Should().HaveCountGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task EachConnectionReportsItsOwnAddresses()
    {
        await using var server = StartServer();
        await using var run = TrafficRun.Start(Options(server.ConnectAddress, 3, 30, 1), TestContext.Current.CancellationToken);

        var stats = await run.Completion;

        stats.ConnStats.Select(c => c.Remote).Should().AllBe(server.ConnectAddress);
        stats.ConnStats.Select(c => c.Local).Should().OnlyHaveUniqueItems().And.AllSatisfy(l => l.Should().StartWith("127.0.0.1:"));
    }

    [Fact]
    public async Task AKilledServerFailsEveryConnectionAndReconnectsAreCounted()
    {
        var server = StartServer();
        var options = Options(server.ConnectAddress, 10, 100, 5);
        await using var run = TrafficRun.Start(options, TestContext.Current.CancellationToken);
        (await Eventually.TrueAsync(() => run.Snapshot().Received >= 20, TimeSpan.FromSeconds(5))).Should().BeTrue();

        await server.DisposeAsync();
        var stats = await run.Completion;

        stats.FailedConnections.Should().Be(10);
        stats.FailedConnects.Should().BePositive();
        stats.ConnStats.Where(c => c.Error != null).Should().HaveCount(10);
        stats.ConnStats.Should().HaveCountGreaterThan(10, "every re-connect takes a new slot");
    }

    [Fact]
    public async Task AServerThatNeverAnswersGivesReadTimeouts()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Listen(16); // accepts in the kernel, never reads or writes
        var options = Options(HostPort.Format(silent.LocalEndPoint), 2, 20, 3.5);
        options.Reconnect = false;
        await using var run = TrafficRun.Start(options, TestContext.Current.CancellationToken);

        var stats = await run.Completion;

        stats.FailedConnections.Should().Be(2);
        stats.Received.Should().Be(0);
        stats.ConnStats.Should().OnlyContain(c => c.Error != null && c.Error.EndsWith("i/o timeout"));
        stats.ConnStats.Should().OnlyContain(c => c.Ended - c.Connected!.Value < TimeSpan.FromSeconds(2.5),
            "the first packet goes within one interval and its echo is given up after 1 s");
    }

    [Fact]
    public async Task AServerRestartedOnTheSamePortGetsTheConnectionsBack()
    {
        var first = StartServer(host: "first");
        var port = first.LocalEndPoint.Port;
        await using var run = TrafficRun.Start(Options(first.ConnectAddress, 5, 50, 8), TestContext.Current.CancellationToken);
        (await Eventually.TrueAsync(() => run.Snapshot().Received >= 10, TimeSpan.FromSeconds(5))).Should().BeTrue();

        await first.DisposeAsync();
        (await Eventually.TrueAsync(() => run.Snapshot().FailedConnections == 5, TimeSpan.FromSeconds(5))).Should().BeTrue();
        await using var second = StartServer($"127.0.0.1:{port}", host: "second");
        (await Eventually.TrueAsync(() => run.Snapshot().Active == 5, TimeSpan.FromSeconds(5))).Should().BeTrue();

        var stats = await run.Completion;
        stats.FailedConnections.Should().Be(5);
        stats.ConnStats.Where(c => c.Host == "second").Should().HaveCount(5).And.OnlyContain(c => c.Error == null);
    }

    [Fact]
    public async Task WhenAllSlotsAreUsedTheRunEndsWithTooManyReconnects()
    {
        var server = StartServer();
        var options = Options(server.ConnectAddress, 3, 30, 10);
        options.Retries = 1;
        await using var run = TrafficRun.Start(options, TestContext.Current.CancellationToken);
        (await Eventually.TrueAsync(() => run.Snapshot().Received >= 3, TimeSpan.FromSeconds(5))).Should().BeTrue();

        await server.DisposeAsync();
        var stats = await run.Completion.WaitAsync(TimeSpan.FromSeconds(8), TestContext.Current.CancellationToken);

        stats.EndReason.Should().Be(TrafficEndReason.TooManyReconnects);
        stats.ConnStats.Should().HaveCount(3);
    }

    [Fact]
    public async Task AnUnreachableServerIsAResultNotAnError()
    {
        using var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0)); // bound, not listening: connects are refused
        await using var run = TrafficRun.Start(Options(HostPort.Format(closed.LocalEndPoint), 2, 10, 3), TestContext.Current.CancellationToken);

        var stats = await run.Completion;

        stats.FailedConnects.Should().BeGreaterThanOrEqualTo(4, "two connections retry with back-off 100, 200, 400 ms ... for about a second");
        stats.Sent.Should().Be(0);
        stats.FailedConnections.Should().Be(0);
    }

    [Fact]
    public async Task StoppingEndsTheRunPromptlyWithItsStatistics()
    {
        await using var server = StartServer();
        var options = Options(server.ConnectAddress, 4, 40, 60);
        var run = TrafficRun.Start(options, TestContext.Current.CancellationToken);
        (await Eventually.TrueAsync(() => run.Snapshot().Received >= 4, TimeSpan.FromSeconds(5))).Should().BeTrue();

        var stats = await run.StopAsync().WaitAsync(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);

        stats.EndReason.Should().Be(TrafficEndReason.Stopped);
        stats.FailedConnections.Should().Be(0);
        stats.Duration.Should().BeLessThan(TimeSpan.FromSeconds(30));
        (await Eventually.TrueAsync(() => server.ActiveConnections == 0, TimeSpan.FromSeconds(5))).Should().BeTrue("every socket is closed");
        await run.DisposeAsync();
    }

    [Fact]
    public async Task AnOpenEndedRunGoesOnUntilStopped()
    {
        await using var server = StartServer();
        var options = Options(server.ConnectAddress, 2, 20, 1);
        options.Duration = null;
        await using var run = TrafficRun.Start(options, TestContext.Current.CancellationToken);
        (await Eventually.TrueAsync(() => run.Elapsed > TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(10))).Should().BeTrue();
        run.Completion.IsCompleted.Should().BeFalse();

        var stats = await run.StopAsync();

        stats.Received.Should().BeGreaterThanOrEqualTo(4);
        stats.ConnStats.Should().OnlyContain(c => c.Error == null);
    }

    [Theory]
    [InlineData("Connections", 0)]
    [InlineData("Retries", 0)]
    [InlineData("RateKBps", -1)]
    [InlineData("Duration", 0)]
    [InlineData("Address", 0)]
    public void InvalidOptionsAreRejectedNamingTheOption(string option, int value)
    {
        var o = new TrafficOptions();
        switch (option)
        {
            case "Connections": o.Connections = value; break;
            case "Retries": o.Retries = value; break;
            case "RateKBps": o.RateKBps = value; break;
            case "Duration": o.Duration = TimeSpan.Zero; break;
            case "Address": o.Address = "127.0.0.1"; break;
        }

        var start = () => TrafficRun.Start(o);
        start.Should().Throw<ArgumentException>().WithMessage($"{option}*").Which.ParamName.Should().Be(option);
    }
}
