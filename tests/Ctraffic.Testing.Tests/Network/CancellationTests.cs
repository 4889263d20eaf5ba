using System.Diagnostics;
using Ctraffic.Testing.Network.Internal;
using FluentAssertions;

namespace Ctraffic.Testing.Tests.Network;

/// <summary>
/// A start or create cancelled at any point leaves nothing: no namespace, link or table without a
/// living owner, and no claim held by this process. Each test cancels at random points (seeded,
/// the seed written to the output) across the length of a whole start, round after round, bounded
/// in rounds and in time.
/// </summary>
[Collection(KernelFaults.Name)]
public class CancellationTests
{
    private const int Rounds = 100;

    [Fact(Timeout = 240_000)]
    public async Task ANamespaceCreateCancelledAtAnyPointLeavesNothing()
        => await CancelAtRandomPointsAsync(async t => await NetworkNamespace.CreateAsync(t), TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken);

    [Fact(Timeout = 300_000)]
    public async Task AClusterIpServiceStartCancelledAtAnyPointLeavesNothing()
        => await CancelAtRandomPointsAsync(async t => await ClusterIpService.StartAsync(2, cancellationToken: t), TimeSpan.FromSeconds(150), TestContext.Current.CancellationToken);

    private static async Task CancelAtRandomPointsAsync(Func<CancellationToken, Task<IAsyncDisposable>> start, TimeSpan budget, CancellationToken ct)
    {
        KernelFaults.SkipUnlessAvailable();
        await NetworkNamespace.SweepAsync(ct);
        var seed = Environment.TickCount;
        var random = new Random(seed);

        // Given: how long a whole start takes here.
        var clock = Stopwatch.StartNew();
        await (await start(ct)).DisposeAsync();
        var whole = clock.Elapsed;
        Check("an uncancelled start, disposed");

        // When: starts are cancelled at random points of that length (and a bit past it).
        var (rounds, cancelled) = (0, 0);
        clock.Restart();
        while (rounds < Rounds && clock.Elapsed < budget)
        {
            rounds++;
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(whole * random.NextDouble() * 1.2);
            try
            {
                await (await start(cts.Token)).DisposeAsync();
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                cancelled++;
            }

            // Then: nothing is left after any of them.
            Check($"round {rounds} (seed {seed})");
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{rounds} rounds, {cancelled} cancelled, a whole start {whole.TotalMilliseconds:0} ms, seed {seed}");
        rounds.Should().BeGreaterThanOrEqualTo(20, "the budget allows that many rounds");
        cancelled.Should().BeGreaterThan(rounds / 4, "most cancellations land inside the start");
    }

    private static void Check(string when)
    {
        Kernel.ClaimsHeldHere().Where(n => n.StartsWith(NetworkNames.Prefix, StringComparison.Ordinal)).Should().BeEmpty($"this process holds no claim after {when}");
        Kernel.Unclaimed().Should().BeEmpty($"no namespace, link or table without a living owner is left after {when}");
    }
}
