using System.Runtime.InteropServices;
using Ctraffic.Cli.Flags;
using Ctraffic.Client;
using Ctraffic.Server;
using Ctraffic.Statistics;

namespace Ctraffic.Cli;

/// <summary>The client mode: runs traffic, prints monitor lines on stderr and the statistics JSON on stdout.</summary>
internal static class ClientCommand
{
    private static readonly TimeSpan MonitorStopsBeforeEnd = TimeSpan.FromSeconds(1.5);

    public static async Task<int> RunAsync(CliOptions o, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var traffic = new TrafficOptions
        {
            Address = o.Address,
            Connections = o.Nconn,
            Retries = o.Retries,
            Duration = o.Timeout,
            PacketSize = o.Psize,
            RateKBps = o.Rate,
            Reconnect = o.Reconnect,
            Protocol = o.Udp ? TrafficProtocol.Udp : TrafficProtocol.Tcp,
            SourceAddresses = SourceProvider(o),
        };

        EchoServer? local = null;
        if (o.Local)
        {
            var address = o.Flags.IsSet("address") ? o.Address : "127.0.0.1:0";
            local = EchoServer.Start(new EchoServerOptions { Address = address, Udp = o.Udp });
            traffic.Address = local.ConnectAddress;
        }

        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
            await using var run = TrafficRun.Start(traffic, stop.Token);
            var monitor = o.Monitor ? MonitorAsync(run, o.Timeout, stderr) : Task.CompletedTask;
            var stats = await run.Completion.ConfigureAwait(false);
            await monitor.ConfigureAwait(false);
            if (o.StatsDetail != StatisticsDetail.None)
            {
                await stdout.WriteLineAsync(StatisticsJson.Write(stats, o.StatsDetail)).ConfigureAwait(false);
                await stdout.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }

            switch (stats.EndReason)
            {
                case TrafficEndReason.TooManyReconnects:
                    await stderr.WriteLineAsync(CtrafficCommand.LogLine($"Too many re-connects: {(long)o.Nconn * o.Retries}")).ConfigureAwait(false);
                    return CtrafficCommand.ExitFailure;
                case TrafficEndReason.OutOfSourceAddresses:
                    await stderr.WriteLineAsync(CtrafficCommand.LogLine("Ran out of source addresses")).ConfigureAwait(false);
                    return CtrafficCommand.ExitFailure;
                default:
                    return CtrafficCommand.ExitOk;
            }
        }
        finally
        {
            if (local is not null)
            {
                await local.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static ISourceAddressProvider? SourceProvider(CliOptions o)
    {
        if (o.SrcCidr.Length > 0)
        {
            return Cidr.TryParse(o.SrcCidr, out var cidr, out var error)
                ? SourceAddresses.FromCidr(cidr)
                : throw new UsageException($"invalid value \"{o.SrcCidr}\" for flag -srccidr: {error}");
        }

        if (o.SrcFile.Length > 0)
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines(o.SrcFile);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"invalid value \"{o.SrcFile}\" for flag -srcfile: {ex.Message}");
            }

            try
            {
                return SourceAddresses.FromList(SourceAddresses.ParseFile(lines));
            }
            catch (FormatException ex)
            {
                throw new UsageException($"invalid value \"{o.SrcFile}\" for flag -srcfile: {ex.Message}");
            }
        }

        return null;
    }

    private static async Task MonitorAsync(TrafficRun run, TimeSpan duration, TextWriter stderr)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var last = duration - MonitorStopsBeforeEnd;
        while (!run.Completion.IsCompleted)
        {
            var tick = timer.WaitForNextTickAsync().AsTask();
            if (await Task.WhenAny(tick, run.Completion).ConfigureAwait(false) != tick)
            {
                return;
            }

            var snapshot = run.Snapshot();
            if (snapshot.Elapsed > last)
            {
                return;
            }

            await stderr.WriteLineAsync(snapshot.ToMonitorLine()).ConfigureAwait(false);
        }
    }
}
