using System.Net;
using System.Net.Sockets;
using FluentAssertions;

namespace Ctraffic.Testing.Tests.Relay;

[Collection(Ctraffic.Testing.Tests.Faults.SerialFaultTests.Name)]
public class QueueBoundTests
{
    private const int Peers = 20;

    [Fact(Timeout = 60_000)]
    public async Task PeersThatWriteAndNeverReadPinABoundedNumberOfBytes()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: a proxy with latency on, in front of an echo server, and 20 clients that write
        // 1 KB packets as fast as they can and never read.
        await using var server = CtrafficServer.InProcess();
        await using var proxy = FaultProxy.Start(server, o => o.Udp = false);
        using var latency = proxy.Add(Fault.Latency(TimeSpan.FromMilliseconds(20)));
        var clients = new List<Socket>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var writers = new List<Task>();
        try
        {
            for (var i = 0; i < Peers; i++)
            {
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                clients.Add(client);
                await client.ConnectAsync(IPEndPoint.Parse(proxy.Address), ct);
                writers.Add(WriteForeverAsync(client, stop.Token));
            }

            // When: the echoes pile up until every socket buffer on the way is full.
            long last = -1;
            var unchanged = System.Diagnostics.Stopwatch.StartNew();
            var settled = await Eventually.TrueAsync(
                () =>
                {
                    var read = proxy.GetStatistics().DownstreamRead;
                    if (read != last)
                    {
                        last = read;
                        unchanged.Restart();
                    }

                    return read > 0 && unchanged.Elapsed > TimeSpan.FromMilliseconds(500) && proxy.Counters.Queued > 0;
                },
                TimeSpan.FromSeconds(40));

            // Then: the proxy stopped reading (back-pressure) holding at most its queue bound per
            // connection (the delayed direction; the other one passes straight on, queueing nothing).
            settled.Should().BeTrue("the proxy must stop reading once its queues are full");
            var bound = Peers * (long)FaultProxyOptions.DefaultQueueBytes;
            proxy.Counters.Queued.Should().BeInRange(1, bound, "each connection's queue is bounded in bytes");
        }
        finally
        {
            await stop.CancelAsync();
            clients.ForEach(c => c.Dispose());
            await Task.WhenAll(writers.Select(w => w.ContinueWith(_ => { }, TaskScheduler.Default)));
        }

        // ... and once the clients are gone, it holds nothing.
        (await Eventually.TrueAsync(() => proxy.Counters.Queued == 0, TimeSpan.FromSeconds(10))).Should().BeTrue();
    }

    private static async Task WriteForeverAsync(Socket client, CancellationToken ct)
    {
        var packet = new byte[1024];
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await client.SendAsync(packet, SocketFlags.None, ct);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }
}
