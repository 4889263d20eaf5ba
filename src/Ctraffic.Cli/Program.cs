using Ctraffic.Cli;

try
{
    return await CtrafficCommand.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
}
catch (Exception ex)
{
    // Never a stack trace: one line and a failure exit code.
    await Console.Error.WriteLineAsync(CtrafficCommand.LogLine($"internal error: {ex.GetType().Name}: {ex.Message}")).ConfigureAwait(false);
    return CtrafficCommand.ExitFailure;
}
