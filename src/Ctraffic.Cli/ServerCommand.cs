using System.Net.Sockets;
using System.Runtime.InteropServices;
using Ctraffic.Server;
using Ctraffic.Server.Http;

namespace Ctraffic.Cli;

/// <summary><c>ctraffic -server</c>: serves until SIGINT or SIGTERM (handled, so it also works as PID 1 in a container).</summary>
internal static class ServerCommand
{
    public static async Task<int> RunAsync(CliOptions options, TextWriter stderr, CancellationToken cancellationToken)
    {
        EchoServer server;
        try
        {
            server = EchoServer.Start(new EchoServerOptions
            {
                Address = options.Address,
                Udp = options.Udp,
                HostName = options.HostName.Length > 0 ? options.HostName : null,
                KeepAlive = options.KeepAlive > TimeSpan.Zero ? options.KeepAlive : null,
                Log = line => TryWriteLine(stderr, CtrafficCommand.LogLine(line)),
            });
        }
        catch (SocketException ex)
        {
            // As the original: "listen tcp [::1]:5003: bind: address already in use".
            var why = ex.SocketErrorCode == SocketError.AddressAlreadyInUse ? "bind: address already in use" : ex.Message;
            TryWriteLine(stderr, CtrafficCommand.LogLine($"listen tcp {options.Address}: {why}"));
            return CtrafficCommand.ExitFailure;
        }

        HttpServer? http = null;
        if (options.Http.Length > 0 || options.H2.Length > 0)
        {
            try
            {
                http = await HttpServer.StartAsync(new HttpServerOptions
                {
                    Address = options.Http.Length > 0 ? options.Http : null,
                    Http2Address = options.H2.Length > 0 ? options.H2 : null,
                    HostName = options.HostName.Length > 0 ? options.HostName : null,
                    HostHeader = options.HostHeader,
                    Certificate = options.ServerCertificate,
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                await server.DisposeAsync().ConfigureAwait(false);
                TryWriteLine(stderr, CtrafficCommand.LogLine($"listen tcp {options.Http} {options.H2}: {(ex.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } ? "bind: address already in use" : ex.Message)}"));
                return CtrafficCommand.ExitFailure;
            }
        }

        await using (server.ConfigureAwait(false))
        {
            var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
            using var reg = cancellationToken.Register(() => stop.TrySetResult());
            await stop.Task.ConfigureAwait(false);
            var echoStop = server.StopAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
            if (http is not null)
            {
                await http.DisposeAsync().ConfigureAwait(false);
            }

            await echoStop.ConfigureAwait(false);
        }

        return CtrafficCommand.ExitOk;
    }

    /// <summary>A log line to stderr; stderr closed or full costs the line, never the server.</summary>
    private static void TryWriteLine(TextWriter stderr, string line)
    {
        try
        {
            stderr.WriteLine(line);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or UnauthorizedAccessException)
        {
        }
    }
}
