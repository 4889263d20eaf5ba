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
                Log = line => stderr.WriteLine(CtrafficCommand.LogLine(line)),
            });
        }
        catch (SocketException ex)
        {
            await stderr.WriteLineAsync(CtrafficCommand.LogLine($"listen tcp {options.Address}: {ex.Message}")).ConfigureAwait(false);
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
}
