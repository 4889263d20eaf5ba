using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ctraffic.Client;
using Ctraffic.Client.Exchanges;
using FluentAssertions;

namespace Ctraffic.Tests.Client;

/// <summary>What the client takes from the server's replies: the host name, and which UDP datagrams are replies.</summary>
public class ServerReplyTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    private static byte[] Echo(int size, string name)
    {
        var packet = new byte[size];
        Encoding.UTF8.GetBytes(name).CopyTo(packet, 0);
        return packet;
    }

    [Fact]
    public void TheHostNameIsTheBytesBeforeTheFirstNul()
        => ServerReply.HostName(Echo(1024, "backend-1")).Should().Be("backend-1");

    [Fact]
    public void AnEchoWithoutANulHasNoHostName()
        => ServerReply.HostName(Enumerable.Repeat((byte)'A', 65536).ToArray()).Should().BeEmpty();

    [Fact]
    public void TheHostNameIsAtMostTheHandshake()
    {
        var packet = Enumerable.Repeat((byte)'A', 1024).ToArray();
        packet[500] = 0;

        ServerReply.HostName(packet).Should().Be(new string('A', Wire.HandshakeSize));
    }

    [Fact]
    public void AHostNameOfSixtyFourBytesIsKept()
        => ServerReply.HostName(Echo(1024, new string('h', 64))).Should().HaveLength(64);

    private static byte[] Request(int size, ulong sequence)
    {
        var packet = new byte[size];
        BinaryPrimitives.WriteUInt64LittleEndian(packet.AsSpan(size - 8), sequence);
        return packet;
    }

    private static byte[] Reply(int size, ulong sequence, string name)
    {
        var packet = Request(size, sequence);
        Encoding.UTF8.GetBytes(name).CopyTo(packet, 0);
        return packet;
    }

    [Theory]
    [InlineData(1024, 5)]
    [InlineData(1024, 0)]
    [InlineData(72, 64)]
    [InlineData(64, 2)]
    [InlineData(64, 60)]
    public void ARealReplyIsTaken(int size, int nameLength)
        => ServerReply.IsReplyTo(Reply(size, 7, new string('n', nameLength)), 7).Should().BeTrue();

    [Fact]
    public void TheReplyToAnotherRequestIsNot()
        => ServerReply.IsReplyTo(Reply(1024, 6, "udp-1"), 7).Should().BeFalse();

    [Theory]
    [InlineData(1024, (byte)'A')]
    [InlineData(1024, (byte)0xFF)]
    [InlineData(72, (byte)'A')]
    public void JunkOfTheRightSizeIsNotAReply(int size, byte fill)
        => ServerReply.IsReplyTo(Enumerable.Repeat(fill, size).ToArray(), 7).Should().BeFalse();

    [Fact]
    public void JunkAfterTheHostNameIsNotAReply()
    {
        var reply = Reply(1024, 7, "udp-1");
        reply[600] = (byte)'x';

        ServerReply.IsReplyTo(reply, 7).Should().BeFalse();
    }

    [Fact]
    public async Task AUdpPeerAnsweringJunkGetsNoPacketCountedAsReceived()
    {
        // Given a UDP peer on loopback that answers every datagram with junk of the same length
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var answered = 0;
        var junk = Task.Run(async () =>
        {
            var buffer = new byte[2048];
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            while (!stop.IsCancellationRequested)
            {
                var r = await peer.ReceiveFromAsync(buffer, SocketFlags.None, from, stop.Token);
                buffer.AsSpan(0, r.ReceivedBytes).Fill((byte)'J');
                await peer.SendToAsync(buffer.AsMemory(0, r.ReceivedBytes), SocketFlags.None, r.RemoteEndPoint, stop.Token);
                Interlocked.Increment(ref answered);
            }
        }, stop.Token);

        // When a UDP run goes to it
        var o = new TrafficOptions
        {
            Address = HostPort.Format(peer.LocalEndPoint),
            Connections = 2,
            RateKBps = 20,
            Duration = TimeSpan.FromSeconds(2),
            Protocol = TrafficProtocol.Udp,
        };
        await using var run = TrafficRun.Start(o, TestContext.Current.CancellationToken);
        var stats = await run.Completion.WaitAsync(Limit, TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        await junk.ContinueWith(_ => { }, TaskScheduler.Default);

        // Then every packet is lost, none received, and no host is recorded
        Volatile.Read(ref answered).Should().BePositive("the peer answered");
        stats.Sent.Should().BePositive();
        stats.Received.Should().Be(0);
        stats.ConnStats.Should().OnlyContain(c => c.Host.Length == 0);
    }

    [Fact]
    public async Task ATcpPeerEchoingWithoutANulGivesNoHostName()
    {
        // Given a TCP peer on loopback that answers every packet with as many 'A's (no NUL anywhere)
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var peer = Task.Run(async () =>
        {
            using var s = await listener.AcceptAsync(stop.Token);
            var buffer = new byte[4096];
            int n;
            while ((n = await s.ReceiveAsync(buffer, SocketFlags.None, stop.Token)) > 0)
            {
                buffer.AsSpan(0, n).Fill((byte)'A');
                await s.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, stop.Token);
            }
        }, stop.Token);

        // When a TCP run of one connection goes to it
        var o = new TrafficOptions { Address = HostPort.Format(listener.LocalEndPoint), RateKBps = 10, Duration = TimeSpan.FromSeconds(1.5) };
        await using var run = TrafficRun.Start(o, TestContext.Current.CancellationToken);
        var stats = await run.Completion.WaitAsync(Limit, TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        await peer.ContinueWith(_ => { }, TaskScheduler.Default);

        // Then the echoes count, and the host is none (not the packet's kilobyte of 'A's)
        stats.Received.Should().BePositive();
        stats.ConnStats.Should().ContainSingle().Which.Host.Should().BeEmpty();
    }
}
