using System.Text;
using System.Text.RegularExpressions;
using Ctraffic.Analysis;
using Ctraffic.Cli.Flags;
using Ctraffic.Cli.Input;
using Ctraffic.Cli.Output;
using Ctraffic.Reports;

namespace Ctraffic.Cli;

/// <summary>
/// <c>ctraffic -stat_file FILE|-|FILE,FILE,...|PATTERN -analyze throughput|connections|hosts [-plot SVGFILE] [-report HTMLFILE]</c>:
/// reads the statistics (several files are merged into one run, aligned on their start times), prints
/// the analysis on stdout as the original does and optionally writes a graph and the run's report.
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
        string output, svg, html = "";
        try
        {
            if (options.Plot.Length > 0 && Directory.Exists(options.Plot))
            {
                throw new AnalysisException($"open {options.Plot}: is a directory");
            }

            var paths = StatFiles(options.StatFile);
            var inputs = new List<AnalysisInput>(paths.Count);
            foreach (var path in paths)
            {
                inputs.Add(await ReadInputAsync(path, openStdin, cancellationToken).ConfigureAwait(false));
            }

            var input = Merge(paths, inputs, mode);
            (output, svg) = Analyze(input, mode, options.Plot.Length > 0);
            if (options.Report.Length > 0)
            {
                html = ReportHtml.Write(input.ToReport(), ReportTitle(paths));
            }
        }
        catch (AnalysisException ex)
        {
            return await FailAsync(stderr, ex.Message).ConfigureAwait(false);
        }

        await StandardOutput.WriteAsync(stdout, output).ConfigureAwait(false);
        foreach (var (path, text) in new[] { (options.Plot, svg), (options.Report, html) })
        {
            if (path.Length == 0)
            {
                continue;
            }

            try
            {
                await File.WriteAllTextAsync(path, text, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (FileErrors.IsFileError(ex))
            {
                return await FailAsync(stderr, $"write {path}: {FileErrors.Reason(ex)}").ConfigureAwait(false);
            }
        }

        return CtrafficCommand.ExitOk;
    }

    /// <summary>The report's title: the statistics it was made of.</summary>
    private static string ReportTitle(IReadOnlyList<string> paths)
        => "ctraffic report: " + (paths.Count <= 3 ? string.Join(", ", paths.Select(p => p == "-" ? "stdin" : Path.GetFileName(p))) : $"{paths.Count} statistics files");

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
                return (AnalysisText.Format(rows), plot ? AnalysisCharts.Connections(rows) : "");
            case AnalysisMode.Hosts:
                var hosts = TrafficAnalysis.Hosts(input);
                return (AnalysisText.Format(hosts), plot ? AnalysisCharts.Hosts(hosts) : "");
            default:
                var points = TrafficAnalysis.Throughput(input);
                return (AnalysisText.Format(points), plot ? AnalysisCharts.Throughput(points) : "");
        }
    }

    private static async Task<AnalysisInput> ReadInputAsync(string path, Func<Stream> openStdin, CancellationToken cancellationToken)
    {
        var json = await ReadAsync(path, openStdin, cancellationToken).ConfigureAwait(false);
        try
        {
            return AnalysisInput.ParseUtf8(json);
        }
        catch (FormatException ex)
        {
            throw new AnalysisException($"{Source(path)}: {ex.Message}", ex);
        }
    }

    private static string Source(string path) => path == "-" ? "stdin" : path;

    /// <summary>The files of <c>-stat_file</c>: one name, "-", or a comma list of names and patterns (<see cref="StatisticsFiles.Expand"/>).</summary>
    private static IReadOnlyList<string> StatFiles(string list)
    {
        if (list == "-" || !list.Contains(',', StringComparison.Ordinal) && Path.GetFileName(list).AsSpan().IndexOfAny('*', '?') < 0)
        {
            return [list];
        }

        try
        {
            return StatisticsFiles.Expand(list);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new AnalysisException(ex switch
            {
                FileNotFoundException => ex.Message,
                ArgumentException => $"-stat_file \"{list}\" names no file",
                _ => $"-stat_file {list}: {FileErrors.Reason(ex)}",
            }, ex);
        }
    }

    /// <summary>The files as one run (<see cref="AnalysisInput.Merge"/>); for the throughput, every file needs samples.</summary>
    private static AnalysisInput Merge(IReadOnlyList<string> paths, List<AnalysisInput> inputs, AnalysisMode mode)
    {
        if (inputs.Count > 1 && mode == AnalysisMode.Throughput && inputs.FindIndex(i => i.Statistics.Samples.Count == 0) is var k and >= 0)
        {
            throw new AnalysisException($"{Source(paths[k])}: No samples found");
        }

        return AnalysisInput.Merge(inputs);
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
