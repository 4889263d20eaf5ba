using System.Net.Sockets;
using System.Runtime.InteropServices;
using Ctraffic.Server;

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

        await using (server.ConfigureAwait(false))
        {
            var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
            using var reg = cancellationToken.Register(() => stop.TrySetResult());
            await stop.Task.ConfigureAwait(false);
            await server.StopAsync(TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(false);
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
