using System.Net;
using System.Net.Sockets;
using System.Text;
using Ctraffic.Client;
using Ctraffic.Server;
using Ctraffic.Statistics;
using FluentAssertions;

namespace Ctraffic.Tests.Client;

public class UdpTrafficTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    private static EchoServer StartServer(string address = "127.0.0.1:0", string host = "udp-1")
        => EchoServer.Start(new EchoServerOptions { Address = address, HostName = host, Udp = true });

    private static TrafficOptions Options(string address, int connections, double rate, double seconds) => new()
    {
        Address = address,
        Connections = connections,
        RateKBps = rate,
        Duration = TimeSpan.FromSeconds(seconds),
        Protocol = TrafficProtocol.Udp,
    };

    /// <summary>A UDP port on 127.0.0.1 that nothing listens on (it was free a moment ago).</summary>
    private static IPEndPoint FreeUdpEndPoint()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return (IPEndPoint)s.LocalEndPoint!;
    }

    [Fact]
    public async Task EveryDatagramIsEchoedAndEachConnectionRecordsItsHost()
    {
        await using var server = StartServer();
        await using var run = TrafficRun.Start(Options(server.ConnectAddress, 5, 50, 3), TestContext.Current.CancellationToken);

        var stats = await run.Completion.WaitAsync(Limit, TestContext.Current.CancellationToken);

        stats.EndReason.Should().Be(TrafficEndReason.DurationElapsed);
        stats.Received.Should().Be(stats.Sent);
        stats.Sent.Should().BeInRange(75, 158, "5 connections × 10 packets/s × 3 s = 150 (fewer on a busy machine: behind its pace, a connection drops packets)");
        stats.FailedConnections.Should().Be(0);
        server.UdpReplies.Should().Be(stats.Received);
        stats.ConnStats.Should().HaveCount(5).And.OnlyContain(c =>
            c.Host == "udp-1" && c.Error == null && c.Ended == TimeSpan.FromSeconds(3) && c.Connected != null
            && c.Remote == server.ConnectAddress && c.Local.StartsWith("127.0.0.1:", StringComparison.Ordinal) && c.Retransmits == 0);
        stats.ConnStats.Select(c => c.Local).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task UdpOverIPv6Works()
    {
        if (!Socket.OSSupportsIPv6)
        {
            Assert.Skip("IPv6 is not available on this machine");
        }

        await using var server = StartServer("[::1]:0", "v6");
        await using var run = TrafficRun.Start(Options(server.ConnectAddress, 2, 20, 1.5), TestContext.Current.CancellationToken);

        var stats = await run.Completion.WaitAsync(Limit, TestContext.Current.CancellationToken);

        stats.Sent.Should().BePositive();
        stats.Received.Should().Be(stats.Sent);
        stats.ConnStats.Should().OnlyContain(c => c.Host == "v6" && c.Local.StartsWith("[::1]:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnAbsentServerLosesEveryPacketWithoutFailingAndTheRunEndsOnTime()
    {
        var nobody = FreeUdpEndPoint();
        await using var run = TrafficRun.Start(Options(HostPort.Format(nobody), 2, 20, 2), TestContext.Current.CancellationToken);

        var stats = await run.Completion.WaitAsync(Limit, TestContext.Current.CancellationToken);

        stats.EndReason.Should().Be(TrafficEndReason.DurationElapsed);
        stats.Sent.Should().BeInRange(16, 44, "the refusals (ICMP) come at once, so the connections keep their pace of 10/s (2 × 10/s × 2 s = 40); a 1 s wait per packet would give 4");
        stats.Received.Should().Be(0);
        stats.FailedConnections.Should().Be(0);
        stats.FailedConnects.Should().Be(0);
        stats.Duration.Should().BeLessThan(TimeSpan.FromSeconds(3), "no packet waits for its reply");
        stats.ConnStats.Should().HaveCount(2, "a lost packet takes no new slot").And.OnlyContain(c => c.Error == null && c.Host.Length == 0);
    }

    [Fact]
    public async Task AServerThatNeverAnswersLosesEachPacketAfterTheReadTimeout()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0)); // receives, never answers
        var options = Options(HostPort.Format(silent.LocalEndPoint), 1, 10, 2.5);
        await using var run = TrafficRun.Start(options, TestContext.Current.CancellationToken);

        var stats = await run.Completion.WaitAsync(Limit, TestContext.Current.CancellationToken);

        stats.Sent.Should().BeInRange(2, 3, "each packet is awaited 1 s (checked every 100 ms), then the next goes");
        stats.Received.Should().Be(0);
        stats.Dropped.Should().BePositive("the packets not sent while waiting are dropped, as with TCP");
        stats.FailedConnections.Should().Be(0);
        stats.ConnStats.Should().ContainSingle().Which.Error.Should().BeNull();
        stats.Duration.Should().BeLessThan(TimeSpan.FromSeconds(4), "the last packet is given up after the read time-out");
    }

    [Fact]
    public async Task AServerStoppedAndStartedAgainLosesPacketsInTheGapThenTrafficResumes()
    {
        var first = StartServer(host: "first");
        var port = first.LocalEndPoint.Port;
        var options = Options(first.ConnectAddress, 4, 40, 8);
        await using var run = TrafficRun.Start(options, TestContext.Current.CancellationToken);
        (await Eventually.TrueAsync(() => run.Snapshot().Received >= 12, TimeSpan.FromSeconds(5))).Should().BeTrue();

        await first.DisposeAsync();
        (await Eventually.TrueAsync(() => run.GetStatistics().ConnStats.All(c => c.Sent - c.Received >= 3), TimeSpan.FromSeconds(5)))
            .Should().BeTrue("every connection loses packets while no server is there");
        var receivedInGap = run.Snapshot().Received;
        await using var second = StartServer($"127.0.0.1:{port}", host: "second");
        (await Eventually.TrueAsync(() => run.Snapshot().Received >= receivedInGap + 12, TimeSpan.FromSeconds(5)))
            .Should().BeTrue("traffic resumes with the new server");

        var stats = await run.Completion.WaitAsync(Limit, TestContext.Current.CancellationToken);

        stats.FailedConnections.Should().Be(0);
        stats.ConnStats.Should().HaveCount(4).And.OnlyContain(c => c.Error == null && c.Host == "first" && c.Ended == TimeSpan.FromSeconds(8));
        stats.Sent.Should().BeGreaterThan(stats.Received);
        var outages = run.GetReport().Outages;
        outages.Where(o => o.Recovered && o.Duration >= TimeSpan.FromMilliseconds(250)).Select(o => o.Connection).Distinct()
            .Should().BeEquivalentTo([0, 1, 2, 3], "each connection lost at least 3 packets (300 ms) in the gap, then got echoes again");
        second.UdpReplies.Should().BePositive();
    }

    [Fact]
    public async Task ALateReplyIsNotTakenForTheReplyToTheNextPacket()
    {
        // Answers datagrams 1 to 5 only: 1 late (just before 2's reply), then no more.
        using var responder = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        responder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var serving = ServeWithOneLateReplyAsync(responder, answered: 5);
        var options = Options(HostPort.Format(responder.LocalEndPoint), 1, 10, 3);
        await using var run = TrafficRun.Start(options, TestContext.Current.CancellationToken);

        var stats = await run.Completion.WaitAsync(Limit, TestContext.Current.CancellationToken);
        responder.Dispose();
        await serving;

        stats.Sent.Should().BeGreaterThanOrEqualTo(6);
        stats.Received.Should().Be(4, "datagram 1 was lost (its reply came after 1 s), 2 to 5 were answered; a client that took the late reply for 2's would count 5");
        stats.ConnStats.Should().ContainSingle().Which.Host.Should().Be("late");
    }

    [Fact]
    public async Task EachConnectionSendsFromItsOwnSourceAddress()
    {
        await using var server = StartServer("0.0.0.0:0");
        Cidr.TryParse("127.1.0.0/28", out var cidr, out _).Should().BeTrue();
        var options = Options($"127.0.0.1:{server.LocalEndPoint.Port}", 4, 40, 1.5);
        options.SourceAddresses = SourceAddresses.FromCidr(cidr!);
        await using var run = TrafficRun.Start(options, TestContext.Current.CancellationToken);

        var stats = await run.Completion.WaitAsync(Limit, TestContext.Current.CancellationToken);

        stats.Sent.Should().BePositive();
        stats.Received.Should().Be(stats.Sent, "the server answers each source address");
        var locals = stats.ConnStats.Select(c => HostPort.Parse(c.Local).IPAddress!.ToString()).ToList();
        locals.Should().BeEquivalentTo(["127.1.0.1", "127.1.0.2", "127.1.0.3", "127.1.0.4"]);
    }

    private static async Task ServeWithOneLateReplyAsync(Socket socket, int answered)
    {
        var buffer = new byte[65_536];
        byte[]? held = null;
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        for (var count = 1; ; count++)
        {
            SocketReceiveFromResult r;
            try
            {
                r = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }

            var reply = buffer[..r.ReceivedBytes];
            Encoding.ASCII.GetBytes("late").CopyTo(reply, 0);
            if (count == 1)
            {
                held = reply;
                continue;
            }

            if (count > answered)
            {
                continue;
            }

            if (held is not null)
            {
                await socket.SendToAsync(held, SocketFlags.None, r.RemoteEndPoint);
                held = null;
            }

            await socket.SendToAsync(reply, SocketFlags.None, r.RemoteEndPoint);
        }
    }
}
