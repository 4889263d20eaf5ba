using System.Text;
using System.Text.RegularExpressions;
using Ctraffic.Analysis;
using Ctraffic.Cli.Flags;
using Ctraffic.Cli.Input;
using Ctraffic.Cli.Output;

namespace Ctraffic.Cli;

/// <summary>
/// <c>ctraffic -stat_file FILE|- -analyze throughput|connections|hosts [-plot SVGFILE]</c>: reads the
/// statistics, prints the analysis on stdout as the original does and optionally writes a graph.
/// Every failure is one log line on stderr and exit code 1.
/// </summary>
internal static partial class AnalyzeCommand
{
    public static Task<int> RunAsync(CliOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
        => RunAsync(options, Console.OpenStandardInput, stdout, stderr, cancellationToken);

    /// <param name="options">The flags.</param>
    /// <param name="openStdin">Opens standard input, read when the file is "-".</param>
    /// <param name="stdout">Where the analysis goes.</param>
    /// <param name="stderr">Where an error goes.</param>
    /// <param name="cancellationToken">Stops reading the input.</param>
    internal static async Task<int> RunAsync(CliOptions options, Func<Stream> openStdin, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var mode = Mode(options.Analyze);
        var source = options.StatFile == "-" ? "stdin" : options.StatFile;
        string output, svg;
        try
        {
            if (options.Plot.Length > 0 && Directory.Exists(options.Plot))
            {
                throw new AnalysisException($"open {options.Plot}: is a directory");
            }

            var json = await ReadAsync(options.StatFile, openStdin, cancellationToken).ConfigureAwait(false);
            AnalysisInput input;
            try
            {
                input = AnalysisInput.ParseUtf8(json);
            }
            catch (FormatException ex)
            {
                throw new AnalysisException($"{source}: {ex.Message}", ex);
            }

            (output, svg) = Analyze(input, mode, options.Plot.Length > 0);
        }
        catch (AnalysisException ex)
        {
            return await FailAsync(stderr, ex.Message).ConfigureAwait(false);
        }

        await StandardOutput.WriteAsync(stdout, output).ConfigureAwait(false);
        if (options.Plot.Length > 0)
        {
            try
            {
                await File.WriteAllTextAsync(options.Plot, svg, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (FileErrors.IsFileError(ex))
            {
                return await FailAsync(stderr, $"write {options.Plot}: {FileErrors.Reason(ex)}").ConfigureAwait(false);
            }
        }

        return CtrafficCommand.ExitOk;
    }

    private static AnalysisMode Mode(string name) => name switch
    {
        "throughput" => AnalysisMode.Throughput,
        "connections" => AnalysisMode.Connections,
        "hosts" => AnalysisMode.Hosts,
        _ => throw new UsageException($"invalid value \"{name}\" for flag -analyze: must be throughput, connections or hosts"),
    };

    /// <summary>The text of the analysis and, when <paramref name="plot"/>, its SVG graph.</summary>
    private static (string Text, string Svg) Analyze(AnalysisInput input, AnalysisMode mode, bool plot)
    {
        switch (mode)
        {
            case AnalysisMode.Connections:
                var rows = TrafficAnalysis.Connections(input);
                return (AnalysisText.Format(rows), plot ? SvgWriter.Write(AnalysisCharts.Connections(rows)) : "");
            case AnalysisMode.Hosts:
                var hosts = TrafficAnalysis.Hosts(input);
                return (AnalysisText.Format(hosts), plot ? SvgWriter.Write(AnalysisCharts.Hosts(hosts)) : "");
            default:
                var points = TrafficAnalysis.Throughput(input);
                return (AnalysisText.Format(points), plot ? SvgWriter.Write(AnalysisCharts.Throughput(points)) : "");
        }
    }

    /// <summary>The statistics as UTF-8, at most <see cref="InputFiles.MaximumStatisticsBytes"/>.</summary>
    private static async Task<ReadOnlyMemory<byte>> ReadAsync(string path, Func<Stream> openStdin, CancellationToken cancellationToken)
    {
        const int Limit = InputFiles.MaximumStatisticsBytes;
        if (path == "-")
        {
            try
            {
                await using var stdin = openStdin();
                return await InputFiles.ReadBoundedAsync(stdin, 0, Limit, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException ex)
            {
                throw new AnalysisException($"read stdin: {ex.Message}", ex);
            }
        }

        if (Directory.Exists(path))
        {
            throw new AnalysisException($"read {path}: is a directory");
        }

        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            var known = file.CanSeek ? file.Length : 0;
            return await InputFiles.ReadBoundedAsync(file, known, Limit, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            throw new AnalysisException($"read {path}: {ex.Message}", ex);
        }
        catch (Exception ex) when (FileErrors.IsFileError(ex))
        {
            throw new AnalysisException($"open {path}: {FileErrors.Reason(ex)}", ex);
        }
    }

    private static async Task<int> FailAsync(TextWriter stderr, string message)
    {
        await stderr.WriteLineAsync(CtrafficCommand.LogLine(OneLine().Replace(message, " "))).ConfigureAwait(false);
        return CtrafficCommand.ExitFailure;
    }

    [GeneratedRegex(@"\s*[\r\n]+\s*")]
    private static partial Regex OneLine();
}
