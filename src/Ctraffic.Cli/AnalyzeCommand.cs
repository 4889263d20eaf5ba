namespace Ctraffic.Cli;

/// <summary><c>ctraffic -stat_file FILE -analyze MODE</c>.</summary>
internal static class AnalyzeCommand
{
    public static Task<int> RunAsync(CliOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        _ = options;
        _ = stdout;
        _ = cancellationToken;
        stderr.WriteLine("ctraffic: -analyze is not available in this build");
        return Task.FromResult(CtrafficCommand.ExitFailure);
    }
}
