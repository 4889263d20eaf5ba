using System.Text;
using System.Text.RegularExpressions;
using Ctraffic.Analysis;
using Ctraffic.Cli.Flags;

namespace Ctraffic.Cli;

/// <summary>
/// <c>ctraffic -stat_file FILE|-|FILE,FILE,...|PATTERN -analyze throughput|connections|hosts [-plot SVGFILE]</c>:
/// reads the statistics (several files are merged into one run, aligned on their start times), prints
/// the analysis on stdout as the original does and optionally writes a graph.
/// Every failure is one log line on stderr and exit code 1.
/// </summary>
internal static partial class AnalyzeCommand
{
    public static Task<int> RunAsync(CliOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
        => RunAsync(options, () => new StreamReader(Console.OpenStandardInput(), Encoding.UTF8), stdout, stderr, cancellationToken);

    /// <param name="options">The flags.</param>
    /// <param name="openStdin">Opens standard input, read when the file is "-".</param>
    /// <param name="stdout">Where the analysis goes.</param>
    /// <param name="stderr">Where an error goes.</param>
    /// <param name="cancellationToken">Stops reading the input.</param>
    internal static async Task<int> RunAsync(CliOptions options, Func<TextReader> openStdin, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var mode = Mode(options.Analyze);
        string output, svg;
        try
        {
            var paths = StatFiles(options.StatFile);
            var inputs = new List<AnalysisInput>(paths.Count);
            foreach (var path in paths)
            {
                inputs.Add(await ReadInputAsync(path, openStdin, cancellationToken).ConfigureAwait(false));
            }

            (output, svg) = Analyze(Merge(paths, inputs, mode), mode, options.Plot.Length > 0);
        }
        catch (AnalysisException ex)
        {
            return await FailAsync(stderr, ex.Message).ConfigureAwait(false);
        }

        await stdout.WriteAsync(output).ConfigureAwait(false);
        await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (options.Plot.Length > 0)
        {
            try
            {
                await File.WriteAllTextAsync(options.Plot, svg, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                return await FailAsync(stderr, $"write {options.Plot}: {Reason(ex)}").ConfigureAwait(false);
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

    private static async Task<AnalysisInput> ReadInputAsync(string path, Func<TextReader> openStdin, CancellationToken cancellationToken)
    {
        var json = await ReadAsync(path, openStdin, cancellationToken).ConfigureAwait(false);
        try
        {
            return AnalysisInput.Parse(json);
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
                _ => $"-stat_file {list}: {Reason(ex)}",
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

    private static async Task<string> ReadAsync(string path, Func<TextReader> openStdin, CancellationToken cancellationToken)
    {
        if (path == "-")
        {
            using var stdin = openStdin();
            return await stdin.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        if (Directory.Exists(path))
        {
            throw new AnalysisException($"read {path}: is a directory");
        }

        try
        {
            return await File.ReadAllTextAsync(path, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new AnalysisException($"open {path}: {Reason(ex)}", ex);
        }
    }

    /// <summary>The cause in the words of Go's <c>os</c> errors where there is one.</summary>
    private static string Reason(Exception ex) => ex switch
    {
        FileNotFoundException or DirectoryNotFoundException => "no such file or directory",
        UnauthorizedAccessException => "permission denied",
        _ => ex.Message,
    };

    private static async Task<int> FailAsync(TextWriter stderr, string message)
    {
        await stderr.WriteLineAsync(CtrafficCommand.LogLine(OneLine().Replace(message, " "))).ConfigureAwait(false);
        return CtrafficCommand.ExitFailure;
    }

    [GeneratedRegex(@"\s*[\r\n]+\s*")]
    private static partial Regex OneLine();
}
