using System.Globalization;
using System.Reflection;
using Ctraffic.Cli.Flags;
using Ctraffic.Cli.Output;

namespace Ctraffic.Cli;

/// <summary>The <c>ctraffic</c> command: picks the mode from the flags and maps every error to one line and an exit code.</summary>
internal static class CtrafficCommand
{
    public const int ExitOk = 0;
    public const int ExitFailure = 1;
    public const int ExitUsage = 2;

    public static string Version { get; } =
        typeof(CtrafficCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        CliOptions options;
        try
        {
            // The usage goes to stderr, as Go's flag package writes it.
            if (args.Count == 0)
            {
                await stderr.WriteAsync(CliOptions.Parse([]).Flags.Usage("ctraffic")).ConfigureAwait(false);
                return ExitOk;
            }

            options = CliOptions.Parse(args);
            if (options.Flags.HelpRequested)
            {
                await stderr.WriteAsync(options.Flags.Usage("ctraffic")).ConfigureAwait(false);
                return ExitOk;
            }

            if (options.Version)
            {
                await StandardOutput.WriteAsync(stdout, Version + Environment.NewLine).ConfigureAwait(false);
                return ExitOk;
            }

            options.Validate();
        }
        catch (UsageException ex)
        {
            await stderr.WriteLineAsync($"ctraffic: {ex.Message}").ConfigureAwait(false);
            await stderr.WriteLineAsync("Run 'ctraffic -h' for the flags.").ConfigureAwait(false);
            return ExitUsage;
        }
        catch (OutputException ex)
        {
            await stderr.WriteLineAsync(LogLine(ex.Message)).ConfigureAwait(false);
            return ExitFailure;
        }

        try
        {
            if (options.StatFile.Length > 0)
            {
                return await AnalyzeCommand.RunAsync(options, stdout, stderr, cancellationToken).ConfigureAwait(false);
            }

            if (options.Server)
            {
                return await ServerCommand.RunAsync(options, stderr, cancellationToken).ConfigureAwait(false);
            }

            return await ClientCommand.RunAsync(options, stdout, stderr, cancellationToken).ConfigureAwait(false);
        }
        catch (UsageException ex)
        {
            await stderr.WriteLineAsync($"ctraffic: {ex.Message}").ConfigureAwait(false);
            return ExitUsage;
        }
        catch (Exception ex)
        {
            // Also an OutputException: the statistics could not be delivered on stdout.
            await stderr.WriteLineAsync(LogLine(ex.Message)).ConfigureAwait(false);
            return ExitFailure;
        }
    }

    /// <summary>A line in the format of Go's <c>log</c> package, as the original's fatal errors: <c>2006/01/02 15:04:05 text</c>.</summary>
    public static string LogLine(string text)
        => TimeProvider.System.GetLocalNow().ToString("yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture) + " " + text;
}
