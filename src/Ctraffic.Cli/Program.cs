using Ctraffic.Cli;
using Ctraffic.Cli.Output;

// First of all, before the runtime looks at signals: a SIGINT ignored by the parent (a script's
// background job) is taken back, so that the command can be stopped and print its statistics.
SignalDisposition.RestoreStopSignals();

// Socket completions run on the socket engine's own threads instead of hopping to the thread
// pool: per echoed packet one thread wake-up less on each side, which doubles the throughput of a
// few busy connections. Everything a completion runs here is non-blocking. Set before the first
// socket is made (the runtime reads it once); a value in the environment wins.
const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
{
    Environment.SetEnvironmentVariable(InlineCompletions, "1");
}

var stderr = new LogWriter(Console.Error);
try
{
    return await CtrafficCommand.RunAsync(args, StandardOutput.Open(), stderr).ConfigureAwait(false);
}
catch (Exception ex)
{
    // Never a stack trace: one line and a failure exit code.
    await stderr.WriteLineAsync(CtrafficCommand.LogLine($"internal error: {ex.GetType().Name}: {ex.Message}")).ConfigureAwait(false);
    return CtrafficCommand.ExitFailure;
}
