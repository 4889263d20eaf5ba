using System.Net;
using System.Net.Sockets;
using System.Text;
using FluentAssertions;
using Microsoft.Extensions.Time.Testing;

namespace Ctraffic.Testing.Tests.Faults;

/// <summary>The proxy keeps time with the clock it is given: latency and UDP idle times follow a fake clock exactly.</summary>
[Collection(SerialFaultTests.Name)]
public class FakeTimeTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact(Timeout = 20_000)]
    public async Task ALatencyHoldsTheBytesUntilTheClockHasMovedOnByIt()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: a proxy on a fake clock, with 100 ms latency downstream, in front of a plain
        // TCP listener, and a client connected through it.
        var clock = new FakeTimeProvider();
        using var upstream = new TcpListener(IPAddress.Loopback, 0);
        upstream.Start();
        await using var proxy = FaultProxy.Start(upstream.LocalEndpoint.ToString()!, o => { o.TimeProvider = clock; o.Udp = false; });
        using var fault = proxy.Add(Fault.Latency(TimeSpan.FromMilliseconds(100)));
        using var client = new TcpClient();
        await client.ConnectAsync(IPEndPoint.Parse(proxy.Address), ct);
        using var server = await upstream.AcceptTcpClientAsync(ct);

        // When: the client writes (upstream: no latency) and the server answers.
        await client.GetStream().WriteAsync("hello"u8.ToArray(), ct);
        var got = new byte[5];
        await server.GetStream().ReadExactlyAsync(got, ct);
        await server.GetStream().WriteAsync("world"u8.ToArray(), ct);

        // Then: the proxy has read the answer but holds it until the clock moves on by 100 ms.
        Encoding.ASCII.GetString(got).Should().Be("hello");
        (await Eventually.TrueAsync(() => proxy.GetStatistics().DownstreamRead == 5, Wait)).Should().BeTrue();
        clock.Advance(TimeSpan.FromMilliseconds(99));
        proxy.GetStatistics().DownstreamWritten.Should().Be(0);
        client.Available.Should().Be(0);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        await client.GetStream().ReadExactlyAsync(got, ct);
        Encoding.ASCII.GetString(got).Should().Be("world");
    }

    [Fact(Timeout = 20_000)]
    public async Task AnIdleUdpSessionIsClosedAfterTheIdleTime()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: a UDP proxy on a fake clock with a 10 s idle time, in front of a UDP echo server,
        // and one datagram echoed through it.
        var clock = new FakeTimeProvider();
        await using var server = CtrafficServer.InProcess(s => s.Udp = true);
        await using var proxy = FaultProxy.Start(server, o => { o.TimeProvider = clock; o.UdpIdleTimeout = TimeSpan.FromSeconds(10); });
        using var client = new UdpClient();
        client.Connect(IPEndPoint.Parse(proxy.Address));
        await client.SendAsync(new byte[64], ct);
        (await client.ReceiveAsync(ct)).Buffer.Should().HaveCount(64);
        proxy.GetStatistics().UdpSessions.Should().Be(1);

        // When: the clock moves on by less than the idle time, then past it.
        clock.Advance(TimeSpan.FromSeconds(5));
        var kept = proxy.GetStatistics().UdpSessions;
        clock.Advance(TimeSpan.FromSeconds(10));

        // Then: the session stayed, then was closed; a new datagram opens a new one.
        kept.Should().Be(1);
        (await Eventually.TrueAsync(() => proxy.GetStatistics().UdpSessions == 0, Wait)).Should().BeTrue();
        await client.SendAsync(new byte[64], ct);
        (await client.ReceiveAsync(ct)).Buffer.Should().HaveCount(64);
        proxy.GetStatistics().UdpSessions.Should().Be(1);
    }
}
