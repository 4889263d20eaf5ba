using Ctraffic.Reports;

namespace Ctraffic.Testing.Tests.Verdicts;

/// <summary>A report to fail checks on: shared with the AwesomeAssertions tests, so that both libraries fail on the same run.</summary>
internal static class KilledServerRun
{
    /// <summary>The window of a kill of the server "backend-1" of 2 connections, which lost both of them.</summary>
    public static async Task<TrafficReport> WindowAsync(CancellationToken ct)
    {
        await using var server = CtrafficServer.InProcess(s => s.HostName = "backend-1");
        await using var traffic = CtrafficFixture.Start(o => { o.Connections = 2; o.Server = server; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);
        await server.KillAsync(ct);
        await server.StartAsync(ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), ct);
        var report = await traffic.StopAsync(ct);
        return report.Window("kill backend-1");
    }
}
