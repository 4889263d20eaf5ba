using Ctraffic.Client;
using Ctraffic.Server;
using FluentAssertions;

namespace Ctraffic.Tests.Client.Exchanges;

/// <summary>Tests that read the process's allocations run alone: no other test class runs meanwhile (xUnit runs such collections after the parallel ones).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationMeasurements
{
    public const string Name = "allocation measurements";
}

/// <summary>
/// The paced loop's hot path: packets on a TCP connection allocate nothing (the in-process server
/// included). It reads <see cref="GC.GetTotalAllocatedBytes"/> of the whole process, so it runs
/// alone (<see cref="AllocationMeasurements"/>): other tests' allocations would count against it.
/// </summary>
[Collection(AllocationMeasurements.Name)]
public class PacedLoopAllocationTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TcpPacketsAllocateNothingPerPacket()
    {
        // Given ten connections at an unlimited rate, past their start
        await using var server = EchoServer.Start(new EchoServerOptions { Address = "127.0.0.1:0", HostName = "backend-1" });
        await using var run = TrafficRun.Start(new TrafficOptions
        {
            Address = server.ConnectAddress,
            Connections = 10,
            RateKBps = 200_000,
            Duration = Limit,
        }, TestContext.Current.CancellationToken);
        (await Eventually.TrueAsync(() => run.Snapshot().Received >= 2_000, Limit)).Should().BeTrue();

        // When 20 000 more packets go
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var sent = run.Snapshot().Sent;
        (await Eventually.TrueAsync(() => run.Snapshot().Sent >= sent + 20_000, Limit)).Should().BeTrue();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        var packets = run.Snapshot().Sent - sent;
        await run.StopAsync();

        // Then what the process allocated meanwhile is far below one object per packet (the polling and test host allocate a little)
        (allocated / (double)packets).Should().BeLessThan(16, $"{allocated} bytes were allocated for {packets} packets");
    }
}
