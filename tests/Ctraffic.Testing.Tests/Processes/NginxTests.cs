using Ctraffic.Statistics;
using FluentAssertions;

namespace Ctraffic.Testing.Tests.Processes;

/// <summary>The nginx preset against the real Debian nginx (with libnginx-mod-stream); skipped with the reason where it is missing.</summary>
public class NginxTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AGracefulReloadKeepsEveryConnectionOnTheOldWorkers()
    {
        // Given: 20 connections through nginx (stream, 2 workers, no worker_shutdown_timeout) to 3 backends
        SkipUnlessInstalled(NginxMode.Stream);
        await using var backends = Backends.StartInProcess(3);
        await using var nginx = await ProcessServer.StartNginxAsync(backends, cancellationToken: Ct);
        await using var traffic = await CtrafficFixture.StartAsync(o => { o.Server = nginx; o.Connections = 20; }, Ct);

        // When: nginx -s reload
        var reload = await nginx.ReloadAsync(cancellationToken: Ct);
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        var oldRunning = reload.OldProcessesRunning; // before the traffic stops: its connections closing end the old processes
        var report = await traffic.StopAsync(Ct);

        // Then: no connection lost; the old workers still serve them, beside two new ones
        report.Window("reload nginx").Should().HaveLostNoConnections();
        reload.OldProcesses.Should().HaveCount(2);
        reload.NewProcesses.Should().HaveCount(2);
        oldRunning.Should().BePositive("a long-lived connection keeps its old worker (an old worker that had none exits)");
        report.Marks.Should().ContainSingle(m => m.Name == "reload nginx").Which.End.Should().BeNull("the reload is not over while the old workers serve");
        report.Marks.Select(m => m.Name).Should().Equal("reload nginx", "reload nginx effective");
    }

    [Fact]
    public async Task WorkerShutdownTimeoutCutsTheOldWorkersConnectionsAtTheConfiguredTime()
    {
        // Given: nginx with worker_shutdown_timeout 1 s
        SkipUnlessInstalled(NginxMode.Stream);
        await using var backends = Backends.StartInProcess(2);
        await using var nginx = await ProcessServer.StartNginxAsync(backends, o => o.WorkerShutdownTimeout = TimeSpan.FromSeconds(1), Ct);
        await using var traffic = await CtrafficFixture.StartAsync(o => { o.Server = nginx; o.Connections = 20; }, Ct);

        // When: it reloads, and the old workers exit
        var reload = await nginx.ReloadAsync(cancellationToken: Ct);
        (await reload.WaitForDrainAsync(TimeSpan.FromSeconds(10), Ct)).Should().BeTrue();
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), Ct);
        var report = await traffic.StopAsync(Ct);

        // Then: every connection was cut (moved to the new workers) about 1 s after the reload
        var mark = report.Marks.Single(m => m.Name == "reload nginx");
        var drainStart = report.Marks.Single(m => m.Name == reload.EffectiveName).Time;
        report.Window("reload nginx").Should().HaveLostConnections(20);
        report.Window("reload nginx").LostConnections.Should().OnlyContain(c => c.EndKind == ConnectionEndKind.PeerClosed || c.EndKind == ConnectionEndKind.Reset, "the old processes close them (a FIN, or a reset when data was still unsent: seen once in 10 runs under load), none times out");
        var ends = report.Window("reload nginx").LostConnections.Select(c => c.Ended).ToList();
        ends.Should().OnlyContain(end => end - mark.Time >= TimeSpan.FromSeconds(0.95), "none is cut before the configured second has passed since the reload");
        ends.Should().OnlyContain(end => end - drainStart < TimeSpan.FromSeconds(1.3), "all are cut about a second after the old processes stopped listening");
        (ends.Max() - ends.Min()).Should().BeLessThan(TimeSpan.FromMilliseconds(300), "they are cut together");
        mark.End.Should().NotBeNull().And.BeCloseTo(ends.Min(), TimeSpan.FromMilliseconds(300), "the reload ends when the old processes have exited, as they cut the connections");
        report.Should().HaveRecoveredAfter("reload nginx", within: TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task ABackendKilledBehindNginxLosesOnlyItsConnections()
    {
        SkipUnlessInstalled(NginxMode.Stream);
        await using var backends = Backends.StartInProcess(3);
        await using var nginx = await ProcessServer.StartNginxAsync(backends, cancellationToken: Ct);
        await using var traffic = await CtrafficFixture.StartAsync(o => { o.Server = nginx; o.Connections = 30; }, Ct);

        await backends[1].KillAsync(Ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(10), Ct);
        var kill = (await traffic.StopAsync(Ct)).Window("kill backend-2");

        kill.Should().HaveLostConnectionsOnlyOn("backend-2").And.HaveLostEveryConnectionOn("backend-2");
        kill.Should().HaveReconnectedOnlyTo("backend-1", "backend-3").And.HaveRecoveredWithin(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task TheHttpProxyAnswersItsReadinessPathAndReloadsWithANewConfiguration()
    {
        // Given: nginx as an HTTP proxy (ready once GET /ctraffic-ready answers)
        SkipUnlessInstalled(NginxMode.Http);
        await using var backends = Backends.StartInProcess(1);
        await using var nginx = await ProcessServer.StartNginxAsync(backends, o => { o.Mode = NginxMode.Http; o.WorkerProcesses = 1; }, Ct);
        using var http = new HttpClient { BaseAddress = new Uri($"http://{nginx.Address}") };
        http.DefaultRequestHeaders.ConnectionClose = true; // a kept-alive connection would stay with the old worker
        (await http.GetStringAsync("/ctraffic-ready", Ct)).Should().Be("ready\n");

        // When: it reloads a configuration the test changed
        var reload = await nginx.ReloadAsync(nginx.Configuration!.Replace("return 200 \"ready\\n\";", "return 200 \"reloaded\\n\";", StringComparison.Ordinal), Ct);

        // Then: the new worker answers with the new configuration
        (await http.GetStringAsync("/ctraffic-ready", Ct)).Should().Be("reloaded\n");
        reload.NewProcesses.Should().ContainSingle();
        (await reload.WaitForDrainAsync(TimeSpan.FromSeconds(10), Ct)).Should().BeTrue("an idle old worker exits at once");
    }

    [Fact]
    public async Task ABadConfigurationFailsTheReloadWithNginxsMessage()
    {
        SkipUnlessInstalled(NginxMode.Stream);
        await using var backends = Backends.StartInProcess(1);
        await using var nginx = await ProcessServer.StartNginxAsync(backends, o => o.ReadyTimeout = TimeSpan.FromSeconds(2), Ct);

        var reload = () => nginx.ReloadAsync("events {} this is not nginx;", Ct);

        (await reload.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("the reload command exited with 1").And.Contain("unknown directive");
        nginx.IsRunning.Should().BeTrue("nginx keeps its old configuration");
    }

    private static void SkipUnlessInstalled(NginxMode mode)
    {
        if (NginxOptions.UnavailableReason(mode) is { } reason)
        {
            Assert.Skip(reason);
        }
    }
}
