using System.Net.Sockets;
using FluentAssertions;

namespace Ctraffic.Testing.Tests.Balancing;

public class ForwardingTests
{
    private const int Connections = 20;
    private const int BytesEach = 1 << 20;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task EveryByteComesBackUnchangedUnderLoad()
    {
        var ct = TestContext.Current.CancellationToken;
        // Given: 20 connections through the balancer to two echo backends
        await using var backends = Backends.StartInProcess(2);
        await using var balancer = LoadBalancer.Start(backends);
        var probes = new List<Probe>();
        try
        {
            for (var i = 0; i < Connections; i++)
            {
                probes.Add(await Probe.ConnectAsync(balancer.Address, ct));
            }

            // When: each sends 1 MB of random bytes at once and reads its echo
            var echoes = probes.Select(async (p, i) =>
            {
                var data = new byte[BytesEach];
                new Random(i).NextBytes(data);
                var send = p.Socket.SendAsync(data, SocketFlags.None, ct).AsTask();
                var back = await ReadAsync(p.Socket, BytesEach);
                await send;
                return back.AsSpan().SequenceEqual(data);
            });

            // Then: every byte came back, in order
            (await Task.WhenAll(echoes)).Should().AllBeEquivalentTo(true);
        }
        finally
        {
            probes.ForEach(p => p.Dispose());
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task AClientsFinIsForwardedAndTheEchoStillComesBackBeforeTheBackendsFin()
    {
        var ct = TestContext.Current.CancellationToken;
        // Given: a connection through the balancer
        await using var backends = Backends.StartInProcess(1);
        await using var balancer = LoadBalancer.Start(backends);
        using var probe = await Probe.ConnectAsync(balancer.Address, ct);

        // When: the client sends 100 000 bytes and closes its sending side (FIN)
        var data = new byte[100_000];
        new Random(7).NextBytes(data);
        await probe.Socket.SendAsync(data, SocketFlags.None, ct);
        probe.Socket.Shutdown(SocketShutdown.Send);

        // Then: all of it is echoed, then the backend's FIN arrives (a read of 0 bytes)
        (await ReadAsync(probe.Socket, data.Length)).Should().Equal(data);
        (await probe.Socket.ReceiveAsync(new byte[1], SocketFlags.None, ct)).Should().Be(0);
        (await Eventually.TrueAsync(() => balancer.Connections == 0, TimeSpan.FromSeconds(5))).Should().BeTrue("both sides closed");
    }

    [Fact(Timeout = 30_000)]
    public async Task ABackendsResetReachesTheClientAsAReset()
    {
        var ct = TestContext.Current.CancellationToken;
        // Given: a connection through the balancer to backend-1
        await using var backends = Backends.StartInProcess(1);
        await using var balancer = LoadBalancer.Start(backends);
        using var probe = await Probe.ConnectAsync(balancer.Address, ct);

        // When: the backend is killed (it resets its connections)
        await backends[0].KillAsync(ct);

        // Then: the client's read fails with a reset, not an EOF
        var read = async () => await probe.Socket.ReceiveAsync(new byte[1], SocketFlags.None, ct);
        (await read.Should().ThrowAsync<SocketException>()).Which.SocketErrorCode.Should().Be(SocketError.ConnectionReset);
    }

    [Fact(Timeout = 30_000)]
    public async Task ARemovedBackendsConnectionsAreResetAndNewOnesGoElsewhere()
    {
        var ct = TestContext.Current.CancellationToken;
        // Given: one connection on each of two backends
        await using var backends = Backends.StartInProcess(2);
        await using var balancer = LoadBalancer.Start(backends);
        using var first = await Probe.ConnectAsync(balancer.Address, ct);
        using var second = await Probe.ConnectAsync(balancer.Address, ct);

        // When: backend-1 is removed
        balancer.Remove(backends[0]);

        // Then: its connection is reset, the other echoes, and new connections go to backend-2
        var read = async () => await first.EchoAsync([1], ct);
        (await read.Should().ThrowAsync<SocketException>()).Which.SocketErrorCode.Should().Be(SocketError.ConnectionReset);
        (await second.EchoAsync([2], ct)).Should().Equal(2);
        using var third = await Probe.ConnectAsync(balancer.Address, ct);
        third.Host.Should().Be("backend-2");
    }

    private static async Task<byte[]> ReadAsync(Socket socket, int length)
    {
        var buffer = new byte[length];
        var got = 0;
        while (got < length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(got), SocketFlags.None, Ct);
            if (n == 0)
            {
                throw new IOException($"EOF after {got} of {length} bytes");
            }

            got += n;
        }

        return buffer;
    }
}
