using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using Ctraffic.Cli.Flags;
using Ctraffic.Cli.Input;
using Ctraffic.Cli.Output;
using Ctraffic.Client;
using Ctraffic.Reports;
using Ctraffic.Server;
using Ctraffic.Server.Http;
using Ctraffic.Statistics;

namespace Ctraffic.Cli;

/// <summary>The client mode: runs traffic, prints monitor lines on stderr and the statistics JSON on stdout.</summary>
internal static class ClientCommand
{
    private static readonly TimeSpan MonitorStopsBeforeEnd = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan MonitorGrace = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(CliOptions o, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var traffic = o.ToTrafficOptions();
        traffic.SourceAddresses = SourceProvider(o);

        EchoServer? local = null;
        HttpServer? localHttp = null;
        if (o.Local && o.HttpClient)
        {
            var address = o.Flags.IsSet("address") ? o.Address : "127.0.0.1:0";
            localHttp = await HttpServer.StartAsync(new HttpServerOptions
            {
                Address = o.Client == "http" ? address : null,
                Http2Address = o.Client == "http" ? null : address,
                HostHeader = o.HostHeader,
                Certificate = o.Tls ? SelfSignedCertificate.Create() : null,
            }, cancellationToken).ConfigureAwait(false);
            if (localHttp.Certificate is { } own)
            {
                traffic.TlsTrust ??= [own];
            }

            traffic.Address = o.Client == "http" ? localHttp.ConnectAddress : localHttp.Http2ConnectAddress;
        }
        else if (o.Local)
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

            // A monitor line stuck in a write to stderr (a pipe nobody reads) does not hold back the statistics.
            await Task.WhenAny(monitor, Task.Delay(MonitorGrace, TimeProvider.System, CancellationToken.None)).ConfigureAwait(false);
            if (o.StatsDetail != StatisticsDetail.None)
            {
                await StandardOutput.WriteAsync(stdout, run.GetReport().ToStatisticsJson(o.StatsDetail) + Environment.NewLine).ConfigureAwait(false);
            }

            if (o.Report.Length > 0 && !await WriteReportAsync(o.Report, run, stderr).ConfigureAwait(false))
            {
                return CtrafficCommand.ExitFailure;
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

            if (localHttp is not null)
            {
                await localHttp.DisposeAsync().ConfigureAwait(false);
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
            return SourceAddresses.FromList(ReadSourceFile(o.SrcFile));
        }

        return null;
    }

    /// <summary>The addresses of a <c>-srcfile</c>, read a block at a time within <see cref="InputFiles"/>' limits.</summary>
    private static IReadOnlyList<IPEndPoint> ReadSourceFile(string path)
    {
        string Bad(string why) => $"invalid value \"{path}\" for flag -srcfile: {why}";
        if (Directory.Exists(path))
        {
            throw new UsageException(Bad($"read {path}: is a directory"));
        }

        try
        {
            using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return SourceAddresses.ParseFile(InputFiles.ReadSourceLines(reader));
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException)
        {
            throw new UsageException(Bad(ex.Message));
        }
        catch (Exception ex) when (FileErrors.IsFileError(ex))
        {
            throw new UsageException(Bad($"open {path}: {FileErrors.Reason(ex)}"));
        }
    }

    /// <summary>
    /// Writes the run's report (<see cref="ReportHtml"/>: service level, timeline, outages, hosts, round
    /// trips) to <paramref name="path"/>; a file that cannot be written is one error line, as a plot's is.
    /// </summary>
    private static async Task<bool> WriteReportAsync(string path, TrafficRun run, TextWriter stderr)
    {
        try
        {
            await File.WriteAllTextAsync(path, ReportHtml.Write(run.GetReport()), new UTF8Encoding(false), CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (FileErrors.IsFileError(ex))
        {
            await stderr.WriteLineAsync(CtrafficCommand.LogLine($"write {path}: {FileErrors.Reason(ex)}")).ConfigureAwait(false);
            return false;
        }
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
