using Ctraffic.Statistics;
using Ctraffic.Testing;

namespace Ctraffic.Examples;

/// <summary>
/// The real nginx and HAProxy reloaded under traffic: a graceful reload loses nothing; a reload
/// with a drain limit (<c>worker_shutdown_timeout</c>, <c>hard-stop-after</c>) cuts the old
/// process's connections when the limit is up, and they reconnect to the new ones.
/// </summary>
public class ProxyReloadTests
{
    [Fact]
    public async Task NginxReloadsGracefullyWithoutLosingAConnection()
    {
        var ct = TestContext.Current.CancellationToken;
        SkipUnless(NginxOptions.UnavailableReason());
        await using var backends = Backends.StartInProcess(3);
        await using var nginx = await ProcessServer.StartNginxAsync(backends, cancellationToken: ct);
        await using var traffic = await CtrafficFixture.StartAsync(o => { o.Server = nginx; o.Connections = 30; }, ct);

        await nginx.ReloadAsync(cancellationToken: ct);                             // nginx -s reload; marks "reload nginx"
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        var report = await traffic.StopAsync(ct);
        report.Window("reload nginx").Should().HaveLostNoConnections().And.HaveDroppedNoPackets();
    }

    [Fact]
    public async Task NginxWorkerShutdownTimeoutCutsTheOldWorkersConnections()
    {
        var ct = TestContext.Current.CancellationToken;
        SkipUnless(NginxOptions.UnavailableReason());
        await using var backends = Backends.StartInProcess(3);
        await using var nginx = await ProcessServer.StartNginxAsync(backends, o => o.WorkerShutdownTimeout = TimeSpan.FromSeconds(1), ct);
        await using var traffic = await CtrafficFixture.StartAsync(o => { o.Server = nginx; o.Connections = 30; }, ct);

        var reload = await nginx.ReloadAsync(cancellationToken: ct);
        await reload.WaitForDrainAsync(TimeSpan.FromSeconds(10), ct);  // the old workers exit after 1 s
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), ct);

        var window = (await traffic.StopAsync(ct)).Window("reload nginx");
        window.Should().HaveLostConnections(30).And.HaveRecoveredWithin(TimeSpan.FromSeconds(2));
        window.LostConnections.Should().OnlyContain(c => c.EndKind == ConnectionEndKind.PeerClosed || c.EndKind == ConnectionEndKind.Reset, "nginx closes them");
    }

    [Fact]
    public async Task HaproxySoftReloadHardStopsTheOldProcessAfterTheConfiguredTime()
    {
        var ct = TestContext.Current.CancellationToken;
        SkipUnless(HaproxyOptions.UnavailableReason);
        await using var backends = Backends.StartInProcess(3);
        await using var haproxy = await ProcessServer.StartHaproxyAsync(backends, o => o.HardStopAfter = TimeSpan.FromSeconds(1), ct);
        await using var traffic = await CtrafficFixture.StartAsync(o => { o.Server = haproxy; o.Connections = 30; }, ct);

        var reload = await haproxy.ReloadAsync(cancellationToken: ct);              // haproxy -sf OLDPID; marks "reload haproxy"
        await reload.WaitForDrainAsync(TimeSpan.FromSeconds(10), ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), ct);

        var report = await traffic.StopAsync(ct);
        var drainStart = report.Marks.Single(m => m.Name == reload.EffectiveName).Time;
        report.Window("reload haproxy").Should().HaveLostConnections(30).And.HaveRecoveredWithin(TimeSpan.FromSeconds(2));
        report.Window("reload haproxy").LostConnections.Should().OnlyContain(c => c.Ended - drainStart < TimeSpan.FromSeconds(1.5));
    }

    private static void SkipUnless(string? unavailable)
    {
        if (unavailable is not null)
        {
            Assert.Skip(unavailable);
        }
    }
}
